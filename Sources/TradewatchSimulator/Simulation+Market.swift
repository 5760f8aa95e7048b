import TradewatchClient

extension Simulation {
    /// Logs the start and publishes every symbol's opening quote at simulated time zero.
    mutating func start(into sink: some SimulationSink) {
        started = true
        let now = timestamp(at: 0)
        emit(log: LogEntry(
            level: .info, message: "simulator started", service: "simulator",
            attributes: [
                "seed": "\(configuration.seed)", "symbols": "\(configuration.symbols.count)",
                "rate": "\(configuration.rate)", "strategies": books.map(\.kind.rawValue).joined(separator: ","),
            ], timestamp: now), into: sink)
        for symbol in market.symbols.indices { emitQuote(symbol, into: sink) }
    }

    /// Processes the market event due now: a quote (maybe with a regime change) or a trade, which
    /// also goes into its symbol's candle.
    mutating func processMarketEvent(into sink: some SimulationSink) {
        let now = timestamp(at: elapsedNanoseconds)
        switch market.nextEvent() {
        case .quote(let symbol, let regimeChange):
            emitQuote(symbol, into: sink)
            if let regime = regimeChange {
                emit(log: LogEntry(
                    level: .notice, message: "volatility regime changed", service: "market-data",
                    attributes: ["symbol": market.symbols[symbol].name, "regime": regime.rawValue], timestamp: now),
                    into: sink)
            }
        case .trade(let symbol, let price, let quantity, let side, let venue, let tradeID):
            let name = market.symbols[symbol].name
            emit(trade: Trade(
                symbol: name, price: price, quantity: quantity, side: side, venue: venue, tradeID: tradeID,
                timestamp: now), into: sink)
            if let closed = candles[symbol].add(price: price, quantity: quantity, at: now) {
                emit(candle: closed, into: sink)
            }
        }
    }

    private mutating func emitQuote(_ index: Int, into sink: some SimulationSink) {
        let symbol = market.symbols[index]
        // The quoting venue is drawn from the symbol's own trade sequence, not the market's
        // stream, so it cannot shift the market's draws.
        let venue = SymbolCatalog.venues[(symbol.tradeSequence &+ index) % SymbolCatalog.venues.count].name
        emit(quote: Quote(
            symbol: symbol.name, bid: symbol.bid, ask: symbol.ask, bidSize: symbol.bidSize, askSize: symbol.askSize,
            venue: venue, timestamp: timestamp(at: elapsedNanoseconds)), into: sink)
    }
}
