// The TradewatchSimulator module; its files are being written.
