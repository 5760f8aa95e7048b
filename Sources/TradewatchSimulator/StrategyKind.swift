/// The simple strategies a simulation can run. Each trades every symbol on its own book and is
/// named in the `strategy` column of executions and performance and in its logs' `service`.
public enum StrategyKind: String, Sendable, Hashable, CaseIterable, Comparable {
    /// Quotes passively at the touch, leaning against its inventory; earns the spread when
    /// filled, pays a maker fee, and is cancelled when the market does not come to it.
    case marketMaker = "mm"
    /// Buys when the fast average of the mid runs above the slow one, sells when below.
    case momentum = "momentum"
    /// Sells when the mid is two deviations above its slow average, buys when two below, and
    /// closes the position once the mid is back near the average.
    case meanReversion = "meanrev"

    /// The `service` of the strategy's log lines.
    public var serviceName: String { "strategy-\(rawValue)" }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }

    /// Shares per order.
    var orderQuantity: Double {
        switch self {
        case .marketMaker: 100
        case .momentum: 200
        case .meanReversion: 100
        }
    }

    /// The largest position, long or short, the strategy takes in one symbol.
    var positionLimit: Double {
        switch self {
        case .marketMaker: 500
        case .momentum: 1_000
        case .meanReversion: 600
        }
    }
}
