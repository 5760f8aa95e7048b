public import struct Foundation.Date

/// A point in time with microsecond precision: DuckDB's `TIMESTAMP` (and `TIMESTAMPTZ`).
///
/// Covers DuckDB's whole timestamp range (years 290309 BC to 294247 AD).
public struct Timestamp: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var microsecondsSinceEpoch: Int64

    public init(microsecondsSinceEpoch: Int64) {
        self.microsecondsSinceEpoch = microsecondsSinceEpoch
    }

    /// The date, rounded down to whole microseconds.
    public init(_ date: Date) {
        self.microsecondsSinceEpoch = Int64((date.timeIntervalSince1970 * 1_000_000).rounded(.down))
    }

    public var date: Date { Date(timeIntervalSince1970: Double(microsecondsSinceEpoch) / 1_000_000) }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool {
        lhs.microsecondsSinceEpoch < rhs.microsecondsSinceEpoch
    }

    public var description: String { "\(microsecondsSinceEpoch)µs" }
}

/// A point in time with nanosecond precision: DuckDB's `TIMESTAMP_NS`.
///
/// An `Int64` of nanoseconds spans the years 1677 to 2262, which is DuckDB's range for this type.
public struct TimestampNanos: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var nanosecondsSinceEpoch: Int64

    public init(nanosecondsSinceEpoch: Int64) {
        self.nanosecondsSinceEpoch = nanosecondsSinceEpoch
    }

    /// The microsecond timestamp this one falls in (rounded towards negative infinity).
    public var microseconds: Timestamp {
        let (quotient, remainder) = nanosecondsSinceEpoch.quotientAndRemainder(dividingBy: 1000)
        return Timestamp(microsecondsSinceEpoch: remainder < 0 ? quotient - 1 : quotient)
    }

    public static func < (lhs: TimestampNanos, rhs: TimestampNanos) -> Bool {
        lhs.nanosecondsSinceEpoch < rhs.nanosecondsSinceEpoch
    }

    public var description: String { "\(nanosecondsSinceEpoch)ns" }
}
