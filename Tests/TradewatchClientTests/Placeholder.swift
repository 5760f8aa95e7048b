// Tests of TradewatchClient; being written.
