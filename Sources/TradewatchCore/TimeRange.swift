/// A half-open interval of time, `[start, end)`, in nanoseconds since the Unix epoch.
///
/// Every query names one; building it checks the bounds so that a reversed or empty range is
/// refused with a message rather than silently returning nothing.
public struct TimeRange: Hashable, Sendable, CustomStringConvertible {
    public let startNanoseconds: Int64
    public let endNanoseconds: Int64

    public enum ValidationError: Error, Equatable, CustomStringConvertible {
        case endNotAfterStart(start: Int64, end: Int64)

        public var description: String {
            switch self {
            case .endNotAfterStart(let start, let end):
                "time range end (\(end) ns) must be after its start (\(start) ns)"
            }
        }
    }

    public init(startNanoseconds: Int64, endNanoseconds: Int64) throws(ValidationError) {
        guard endNanoseconds > startNanoseconds else {
            throw .endNotAfterStart(start: startNanoseconds, end: endNanoseconds)
        }
        self.startNanoseconds = startNanoseconds
        self.endNanoseconds = endNanoseconds
    }

    public func contains(nanoseconds: Int64) -> Bool {
        nanoseconds >= startNanoseconds && nanoseconds < endNanoseconds
    }

    /// Length of the range in nanoseconds (saturating at `Int64.max`).
    public var durationNanoseconds: Int64 {
        let (difference, overflow) = endNanoseconds.subtractingReportingOverflow(startNanoseconds)
        return overflow ? .max : difference
    }

    public var description: String { "[\(startNanoseconds), \(endNanoseconds)) ns" }
}
