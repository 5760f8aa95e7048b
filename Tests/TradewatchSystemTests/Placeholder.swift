// Tests of TradewatchSystem; being written.
