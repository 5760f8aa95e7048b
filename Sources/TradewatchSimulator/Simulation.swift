import TradewatchClient

/// The market and strategy model, stepped in simulated time: `advance` processes every event due
/// up to a moment and hands the records to a sink, in time order. Nothing here reads a clock or
/// the system's random generator, so a configuration (seed and start time included) always gives
/// the same records, however the time is cut into steps.
public struct Simulation: Sendable {
    public let configuration: SimulationConfiguration
    /// Simulated time processed so far, in nanoseconds since the start.
    public private(set) var elapsedNanoseconds: Int64 = 0
    public internal(set) var statistics = SimulationStatistics()

    var market: Market
    var books: [StrategyBook]
    /// The strategies' own stream: switching them off leaves the market's draws unchanged.
    var strategyRandom: RandomSource
    var workingOrders: [WorkingOrder] = []
    var candles: [CandleBuilder]
    let runTag: String
    var orderSequence = 0
    var started = false
    var finished = false
    var lastSampleTime: Int64 = -1
    let sampleInterval: Int64 = 250_000_000
    let decisionInterval: Int64
    var nextSampleTime: Int64 = 0
    var nextDecisionTime: Int64
    /// Simulated time of the next whole second of the Unix epoch: candles close, metrics sample.
    var nextSecondTime: Int64

    public init(configuration: SimulationConfiguration) throws(SimulationConfigurationError) {
        try configuration.validate()
        self.configuration = configuration
        market = Market(configuration: configuration)
        books = configuration.strategies.sorted().map { StrategyBook(kind: $0, symbolCount: configuration.symbols.count) }
        strategyRandom = RandomSource(seed: configuration.seed, stream: 2)
        var tagSource = SplitMix64(state: configuration.seed)
        runTag = String(tagSource.next() >> 40, radix: 36)
        candles = configuration.symbols.map { CandleBuilder(symbol: $0) }
        decisionInterval = max(1, Int64((1e9 / configuration.decisionsPerSecond).rounded()))
        nextDecisionTime = decisionInterval
        let width = CandleBuilder.width
        nextSecondTime = (configuration.startTime / width + 1) * width - configuration.startTime
    }

    /// True once the configured duration has been simulated.
    public var isFinished: Bool {
        finished || configuration.duration.map { elapsedNanoseconds >= $0.nanoseconds } ?? false
    }

    /// The absolute timestamp (nanoseconds since the epoch) of a simulated moment.
    public func timestamp(at elapsed: Int64) -> Int64 { configuration.startTime + elapsed }

    /// Simulates `duration` more (stopping at the configured duration).
    public mutating func advance(by duration: Duration, into sink: some SimulationSink) {
        advance(toNanoseconds: elapsedNanoseconds + duration.nanoseconds, into: sink)
    }

    /// Simulates up to `elapsed` since the start (stopping at the configured duration).
    public mutating func advance(to elapsed: Duration, into sink: some SimulationSink) {
        advance(toNanoseconds: elapsed.nanoseconds, into: sink)
    }

    mutating func advance(toNanoseconds requested: Int64, into sink: some SimulationSink) {
        guard !finished else { return }
        let target = min(requested, configuration.duration?.nanoseconds ?? .max)
        if !started { start(into: sink) }
        while true {
            // Ties go in this order, so a moment's bar closes before its next trade arrives.
            let orderTime = workingOrders.lazy.map(\.nextEventTime).min() ?? .max
            let time = min(nextSecondTime, nextSampleTime, orderTime, market.nextEventTime, nextDecisionTime)
            guard time <= target else { break }
            elapsedNanoseconds = time
            if time == nextSecondTime {
                closeSecond(into: sink)
                nextSecondTime += CandleBuilder.width
            } else if time == nextSampleTime {
                samplePerformance(into: sink)
                nextSampleTime += sampleInterval
            } else if time == orderTime {
                progressOrder(at: workingOrders.firstIndex { $0.nextEventTime == time }!, into: sink)
            } else if time == market.nextEventTime {
                processMarketEvent(into: sink)
            } else {
                decide(into: sink)
                nextDecisionTime += decisionInterval
            }
        }
        elapsedNanoseconds = max(elapsedNanoseconds, target)
    }

    /// Ends the simulation: closes the last candles, takes a last performance sample and logs a
    /// summary. Later calls to `advance` do nothing.
    public mutating func finish(into sink: some SimulationSink) {
        guard !finished else { return }
        if !started { start(into: sink) }
        for index in candles.indices {
            if let bar = candles[index].close() { emit(candle: bar, into: sink) }
        }
        if lastSampleTime != elapsedNanoseconds { samplePerformance(into: sink) }
        emit(log: LogEntry(
            level: .info, message: "simulator stopped", service: "simulator",
            attributes: ["market_events": "\(statistics.marketEvents)", "orders": "\(statistics.orders)",
                         "executions": "\(statistics.executions)"],
            timestamp: timestamp(at: elapsedNanoseconds)), into: sink)
        finished = true
    }

    /// The published mid of every symbol, in configuration order.
    public var mids: [Double] { market.symbols.map(\.mid) }

    /// Each strategy's position per symbol (configuration order), by strategy name.
    public var positions: [String: [Double]] {
        Dictionary(uniqueKeysWithValues: books.map { ($0.kind.rawValue, $0.positions.map(\.quantity)) })
    }
}
