/// The parameters of one token bucket: `perSecond` tokens flow in each second, up to `burst`.
///
/// A request (or a row) costs one token. A client may spend a full bucket at once, then
/// `perSecond` a second on average.
public struct RateLimitRate: Sendable, Equatable, CustomStringConvertible {
    public var perSecond: Double
    public var burst: Double

    /// - Parameter burst: defaults to two seconds' worth of `perSecond` (at least 1), the ratio of
    ///   the default query budget (100/s, burst 200).
    public init(perSecond: Double, burst: Double? = nil) {
        self.perSecond = perSecond
        self.burst = burst ?? Self.defaultBurst(perSecond: perSecond)
    }

    public static func defaultBurst(perSecond: Double) -> Double {
        max(1, (perSecond * 2).rounded(.up))
    }

    /// `100/s, burst 200`.
    public var description: String {
        "\(Self.format(perSecond))/s, burst \(Self.format(burst))"
    }

    static func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }
}
