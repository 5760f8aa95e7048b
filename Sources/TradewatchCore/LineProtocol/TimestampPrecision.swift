/// Units of line-protocol timestamps.
public enum TimestampPrecision: Sendable, Equatable {
    case nanoseconds, microseconds, milliseconds, seconds, minutes, hours

    /// From a `precision` query parameter: "ns"/"n", "us"/"u"/"µs", "ms", "s", and (InfluxDB 1.x)
    /// "m", "h". nil for anything else.
    public init?(parameter: String) {
        switch parameter {
        case "ns", "n": self = .nanoseconds
        // Both the micro sign (U+00B5) and the Greek small mu (U+03BC) are typed for "µ".
        case "us", "u", "\u{B5}s", "\u{3BC}s": self = .microseconds
        case "ms": self = .milliseconds
        case "s": self = .seconds
        case "m": self = .minutes
        case "h": self = .hours
        default: return nil
        }
    }

    /// How many nanoseconds one unit of this precision is.
    public var nanosecondsPerUnit: Int64 {
        switch self {
        case .nanoseconds: 1
        case .microseconds: 1_000
        case .milliseconds: 1_000_000
        case .seconds: 1_000_000_000
        case .minutes: 60_000_000_000
        case .hours: 3_600_000_000_000
        }
    }

    /// The canonical parameter spelling, for error messages.
    var parameterName: String {
        switch self {
        case .nanoseconds: "ns"
        case .microseconds: "us"
        case .milliseconds: "ms"
        case .seconds: "s"
        case .minutes: "m"
        case .hours: "h"
        }
    }
}
