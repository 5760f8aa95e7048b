public import TradewatchClient

/// What a simulation runs: which symbols, how fast the market moves, which strategies trade, the
/// seed, and for how long. The same configuration (seed and start time included) always gives
/// the same records.
public struct SimulationConfiguration: Sendable, Hashable {
    /// Symbol names; the well-known ones start at realistic prices, others at a seeded price.
    public var symbols: [String]
    /// Market events (quotes and trades together) per simulated second, over all symbols.
    public var rate: Double
    public var seed: UInt64
    /// The strategies that trade; empty for a market feed only.
    public var strategies: Set<StrategyKind>
    /// Simulated time after which the simulation stops; nil runs until stopped.
    public var duration: Duration?
    /// Nanoseconds since the Unix epoch of simulated time zero: every timestamp is this plus
    /// simulated time. `SimulationService` replaces it with the wall clock when it starts.
    public var startTime: Int64
    /// How often each strategy looks at one symbol and may send an order, per simulated second.
    public var decisionsPerSecond: Double

    public init(
        symbols: [String] = SimulationConfiguration.symbols(count: 8), rate: Double = 1_000, seed: UInt64 = 42,
        strategies: Set<StrategyKind> = Set(StrategyKind.allCases), duration: Duration? = nil,
        startTime: Int64 = currentTimeNanoseconds(), decisionsPerSecond: Double = 10
    ) {
        self.symbols = symbols
        self.rate = rate
        self.seed = seed
        self.strategies = strategies
        self.duration = duration
        self.startTime = startTime
        self.decisionsPerSecond = decisionsPerSecond
    }

    /// The first `count` names of a list of liquid US stocks, then synthetic names `SYM017`….
    public static func symbols(count: Int) -> [String] {
        (0..<max(0, count)).map { index in
            index < SymbolCatalog.known.count ? SymbolCatalog.known[index].name : "SYM\(pad(index + 1, to: 3))"
        }
    }

    /// Throws an error naming the first setting that cannot be simulated.
    public func validate() throws(SimulationConfigurationError) {
        guard !symbols.isEmpty else { throw .init("symbols: at least one symbol is needed") }
        guard symbols.count <= 10_000 else { throw .init("symbols: \(symbols.count) is more than 10000") }
        for (index, name) in symbols.enumerated() {
            guard !name.isEmpty, name.count <= 32,
                name.unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic || $0.properties.numericType != nil || "._-".unicodeScalars.contains($0)) })
            else {
                throw .init("symbols[\(index)]: \"\(name)\" is not 1 to 32 letters, digits, '.', '_' or '-'")
            }
        }
        guard Set(symbols).count == symbols.count else { throw .init("symbols: a name appears twice") }
        guard rate.isFinite, rate > 0, rate <= 1_000_000 else {
            throw .init("rate: \(rate) market events per second is not between 0 (excluded) and 1000000")
        }
        if let duration, duration <= .zero { throw .init("duration: \(duration) is not positive") }
        guard decisionsPerSecond.isFinite, decisionsPerSecond > 0, decisionsPerSecond <= 1_000 else {
            throw .init("decisionsPerSecond: \(decisionsPerSecond) is not between 0 (excluded) and 1000")
        }
        guard startTime >= 0 else { throw .init("startTime: \(startTime) is before 1970") }
    }
}

/// A configuration a simulation cannot run, with the setting that is wrong.
public struct SimulationConfigurationError: Error, CustomStringConvertible, Sendable {
    public let description: String
    init(_ description: String) { self.description = description }
}

func pad(_ number: Int, to width: Int) -> String {
    let text = String(number)
    return String(repeating: "0", count: max(0, width - text.count)) + text
}
