/// A time-bucket width written as `<n><unit>`: `1s`, `250ms`, `5m`, `1h`, `1d`.
public struct BucketWidth: Sendable, Hashable, CustomStringConvertible {
    public let nanoseconds: Int64
    /// As the request wrote it, for error messages and stored candles' `interval` column.
    public let text: String

    /// Units, longest names first so that `ms` is not read as `m`.
    private static let units: [(suffix: String, nanoseconds: Int64)] = [
        ("ms", 1_000_000), ("us", 1_000), ("ns", 1), ("s", 1_000_000_000), ("m", 60_000_000_000),
        ("h", 3_600_000_000_000), ("d", 86_400_000_000_000), ("w", 7 * 86_400_000_000_000),
    ]

    /// - Throws: ``QueryError`` naming `parameter` when `text` is not a width within `range`.
    public init(_ text: String, parameter: String, range: ClosedRange<Int64> = 1_000_000...(7 * 86_400_000_000_000)) throws {
        guard let unit = Self.units.first(where: { text.hasSuffix($0.suffix) }),
            let count = Int64(text.dropLast(unit.suffix.count)), count > 0
        else {
            throw QueryError(
                "parameter \(parameter) must be a duration such as 1s, 250ms, 5m, 1h or 1d, not \"\(text)\"",
                parameter: parameter)
        }
        let (nanoseconds, overflow) = count.multipliedReportingOverflow(by: unit.nanoseconds)
        guard !overflow, range.contains(nanoseconds) else {
            throw QueryError(
                "parameter \(parameter) must be between \(Self.describe(range.lowerBound)) and \(Self.describe(range.upperBound)), not \(text)",
                parameter: parameter)
        }
        self.nanoseconds = nanoseconds
        self.text = text
    }

    public var description: String { text }

    static func describe(_ nanoseconds: Int64) -> String {
        for unit in units.sorted(by: { $0.nanoseconds > $1.nanoseconds }) where nanoseconds % unit.nanoseconds == 0 {
            return "\(nanoseconds / unit.nanoseconds)\(unit.suffix)"
        }
        return "\(nanoseconds)ns"
    }
}
