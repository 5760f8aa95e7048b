#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One symbol's market: a log-normal random walk for the fair price, its volatility regime, the
/// published top of book, and the running averages the strategies read.
struct MarketSymbol: Sendable {
    let name: String
    /// Relative share of market events.
    let activity: Double
    let tick = 0.01
    private(set) var logPrice: Double
    private(set) var regime: VolatilityRegime = .calm
    /// Simulated nanoseconds of the last quote update.
    private(set) var updatedAt: Int64 = 0
    private(set) var bid = 0.0
    private(set) var ask = 0.0
    private(set) var bidSize = 0.0
    private(set) var askSize = 0.0
    /// Exponential averages of the mid over about 2 s and 30 s, and the variance around the slow one.
    private(set) var fastMean: Double
    private(set) var slowMean: Double
    private(set) var slowVariance: Double
    var tradeSequence = 0

    init(name: String, activity: Double, price: Double, random: inout RandomSource) {
        self.name = name
        self.activity = activity
        logPrice = log(price)
        fastMean = price
        slowMean = price
        slowVariance = (price * 5e-4) * (price * 5e-4)
        publishBook(random: &random)
    }

    /// The mid of the published quote: what trades print around and positions are marked to.
    var mid: Double { (bid + ask) / 2 }

    var spreadBasisPoints: Double { (ask - bid) / mid * 10_000 }

    /// Moves the fair price by the random walk over the time since the last update (switching
    /// regime with the matching probability), then publishes a new top of book around it.
    /// Returns the new regime when it changed.
    mutating func update(at time: Int64, random: inout RandomSource) -> VolatilityRegime? {
        let seconds = Double(time - updatedAt) / 1e9
        updatedAt = time
        var switched: VolatilityRegime?
        if random.chance(1 - exp(-regime.switchRatePerSecond * seconds)) {
            regime = regime.other
            switched = regime
        }
        let sigma = regime.sigmaPerRootSecond
        logPrice += sigma * seconds.squareRoot() * random.normal() - 0.5 * sigma * sigma * seconds
        publishBook(random: &random)
        updateAverages(elapsedSeconds: seconds)
        return switched
    }

    private mutating func publishBook(random: inout RandomSource) {
        let fair = exp(logPrice)
        let halfSpread = fair * regime.spreadBasisPoints * random.uniform(0.7, 1.3) / 20_000
        let ticks = 1 / tick
        bid = max(tick, ((fair - halfSpread) * ticks).rounded(.down) / ticks)
        ask = ((fair + halfSpread) * ticks).rounded(.up) / ticks
        if ask <= bid { ask = ((bid + tick) * ticks).rounded() / ticks }
        bidSize = 100 * (1 + random.exponential(mean: regime.meanDepthLots).rounded(.down))
        askSize = 100 * (1 + random.exponential(mean: regime.meanDepthLots).rounded(.down))
    }

    private mutating func updateAverages(elapsedSeconds seconds: Double) {
        let mid = self.mid
        fastMean += (1 - exp(-seconds / 2)) * (mid - fastMean)
        let slowWeight = 1 - exp(-seconds / 30)
        let deviation = mid - slowMean
        slowMean += slowWeight * deviation
        slowVariance = (1 - slowWeight) * (slowVariance + slowWeight * deviation * deviation)
    }
}
