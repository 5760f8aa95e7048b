// Tests of TradewatchSimulator; being written.
