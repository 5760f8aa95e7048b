// Tests of TradewatchAuth; being written.
