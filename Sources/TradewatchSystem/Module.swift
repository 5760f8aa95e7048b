// The TradewatchSystem module; its files are being written.
