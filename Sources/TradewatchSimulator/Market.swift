import TradewatchClient

/// The market every strategy trades in: market events arrive as a Poisson process at the
/// configured rate; each picks a symbol (by activity) and is a quote update (the price moves and
/// a new top of book is published) or a market trade at the published bid or ask.
struct Market: Sendable {
    /// What one market event produced.
    enum Event {
        case quote(symbol: Int, regimeChange: VolatilityRegime?)
        case trade(symbol: Int, price: Double, quantity: Double, side: Side, venue: String, tradeID: String)
    }

    private(set) var symbols: [MarketSymbol]
    /// Simulated nanoseconds of the next market event.
    private(set) var nextEventTime: Int64
    private var random: RandomSource
    private let cumulativeActivity: [Double]
    private let meanGapNanoseconds: Double
    private static let quoteShare = 0.65

    init(configuration: SimulationConfiguration) {
        var random = RandomSource(seed: configuration.seed, stream: 1)
        symbols = configuration.symbols.map { name in
            let known = SymbolCatalog.known.first { $0.name == name }
            let price = known?.price ?? min(2_000, max(5, random.logNormal(median: 80, sigma: 0.8)))
            return MarketSymbol(name: name, activity: known?.activity ?? 1, price: price, random: &random)
        }
        var total = 0.0
        cumulativeActivity = symbols.map { total += $0.activity; return total }
        meanGapNanoseconds = 1e9 / configuration.rate
        nextEventTime = Int64(random.exponential(mean: meanGapNanoseconds).rounded(.up))
        self.random = random
    }

    /// Produces the event due at `nextEventTime` and draws the time of the one after it.
    mutating func nextEvent() -> Event {
        let time = nextEventTime
        nextEventTime += max(1, Int64(random.exponential(mean: meanGapNanoseconds).rounded(.up)))
        let draw = random.uniform() * cumulativeActivity[cumulativeActivity.count - 1]
        let index = min(cumulativeActivity.partitioningIndex { $0 > draw }, symbols.count - 1)
        if random.chance(Self.quoteShare) {
            return .quote(symbol: index, regimeChange: symbols[index].update(at: time, random: &random))
        }
        let side: Side = random.chance(0.5) ? .buy : .sell
        let quantity = max(1, random.logNormal(median: symbols[index].regime.medianTradeSize, sigma: 0.9).rounded())
        symbols[index].tradeSequence += 1
        return .trade(
            symbol: index, price: side == .buy ? symbols[index].ask : symbols[index].bid, quantity: quantity, side: side,
            venue: SymbolCatalog.venue(&random), tradeID: "\(symbols[index].name)-\(symbols[index].tradeSequence)")
    }
}

extension Array where Element == Double {
    /// The first index whose element satisfies `predicate`, for a predicate that is false and
    /// then true along the (sorted) array; `count` when it never holds.
    func partitioningIndex(where predicate: (Double) -> Bool) -> Int {
        var low = 0
        var high = count
        while low < high {
            let middle = (low + high) / 2
            if predicate(self[middle]) { high = middle } else { low = middle + 1 }
        }
        return low
    }
}
