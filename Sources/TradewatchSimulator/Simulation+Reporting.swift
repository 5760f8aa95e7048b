import TradewatchClient

extension Simulation {
    /// At each whole second: closes the bars of the second that ended and samples the market
    /// and strategy metrics.
    mutating func closeSecond(into sink: some SimulationSink) {
        let now = timestamp(at: elapsedNanoseconds)
        for index in candles.indices {
            if let bar = candles[index].close(before: now) { emit(candle: bar, into: sink) }
        }
        for symbol in market.symbols {
            emit(metric: Metric(
                name: "market.spread_bps", value: symbol.spreadBasisPoints, symbol: symbol.name,
                labels: ["regime": symbol.regime.rawValue], timestamp: now), into: sink)
            emit(metric: Metric(
                name: "market.volatility_bps", value: symbol.slowVariance.squareRoot() / symbol.mid * 10_000,
                symbol: symbol.name, timestamp: now), into: sink)
        }
        for book in books {
            let labels = ["strategy": book.kind.rawValue]
            emit(metric: Metric(name: "strategy.orders", value: Double(book.orders), labels: labels, timestamp: now), into: sink)
            emit(metric: Metric(name: "strategy.fills", value: Double(book.fills), labels: labels, timestamp: now), into: sink)
            for (index, position) in book.positions.enumerated() {
                emit(metric: Metric(
                    name: "strategy.position", value: position.quantity, symbol: market.symbols[index].name,
                    labels: labels, timestamp: now), into: sink)
            }
        }
    }

    /// One performance sample per strategy.
    mutating func samplePerformance(into sink: some SimulationSink) {
        lastSampleTime = elapsedNanoseconds
        let mids = self.mids
        let now = timestamp(at: elapsedNanoseconds)
        for index in books.indices {
            emit(performance: books[index].sample(mids: mids, timestamp: now), into: sink)
        }
    }

    mutating func emit(quote: Quote, into sink: some SimulationSink) {
        statistics.quotes += 1
        sink.record(quote: quote)
    }

    mutating func emit(trade: Trade, into sink: some SimulationSink) {
        statistics.trades += 1
        sink.record(trade: trade)
    }

    mutating func emit(candle: CandleBar, into sink: some SimulationSink) {
        statistics.candles += 1
        sink.record(candle: candle)
    }

    mutating func emit(metric: Metric, into sink: some SimulationSink) {
        statistics.metrics += 1
        sink.record(metric: metric)
    }

    mutating func emit(execution: Execution, into sink: some SimulationSink) {
        statistics.executions += 1
        sink.record(execution: execution)
    }

    mutating func emit(performance: PerformanceSample, into sink: some SimulationSink) {
        statistics.performanceSamples += 1
        sink.record(performance: performance)
    }

    mutating func emit(log entry: LogEntry, into sink: some SimulationSink) {
        statistics.logs += 1
        sink.log(entry)
    }
}
