// The TradewatchAuth module; its files are being written.
