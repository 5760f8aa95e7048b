/// A symbol's state of agitation. Volatile spells are rarer and shorter than calm ones, move the
/// price about three times as much, widen the spread and thin the book.
enum VolatilityRegime: String, Sendable {
    case calm
    case volatile

    /// Standard deviation of the log price over one second.
    var sigmaPerRootSecond: Double { self == .calm ? 2.0e-4 : 6.5e-4 }

    /// The spread's typical width, in basis points of the mid.
    var spreadBasisPoints: Double { self == .calm ? 1.5 : 5 }

    /// Mean number of extra round lots at the touch.
    var meanDepthLots: Double { self == .calm ? 6 : 2 }

    /// Median size of a market trade, in shares.
    var medianTradeSize: Double { self == .calm ? 100 : 160 }

    /// How many times slower our orders are acknowledged and filled.
    var latencyFactor: Double { self == .calm ? 1 : 1.6 }

    /// Chance per second of switching to the other regime (calm spells last about 90 s,
    /// volatile ones about 20 s).
    var switchRatePerSecond: Double { self == .calm ? 1.0 / 90 : 1.0 / 20 }

    var other: VolatilityRegime { self == .calm ? .volatile : .calm }
}
