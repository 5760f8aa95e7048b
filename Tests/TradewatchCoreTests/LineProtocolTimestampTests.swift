import Testing
import TradewatchCore

@Suite struct LineProtocolTimestampTests {
    @Test(arguments: [
        ("ns", TimestampPrecision.nanoseconds), ("n", .nanoseconds), ("us", .microseconds), ("u", .microseconds),
        ("µs", .microseconds), ("ms", .milliseconds), ("s", .seconds), ("m", .minutes), ("h", .hours),
    ])
    func precisionFromParameter(parameter: String, precision: TimestampPrecision) {
        #expect(TimestampPrecision(parameter: parameter) == precision)
    }

    @Test(arguments: ["", "NS", "sec", "d", "mn", " ms"])
    func unknownPrecisionParameter(parameter: String) {
        #expect(TimestampPrecision(parameter: parameter) == nil)
    }

    @Test(arguments: [
        (TimestampPrecision.nanoseconds, Int64(1)), (.microseconds, 1_000), (.milliseconds, 1_000_000),
        (.seconds, 1_000_000_000), (.minutes, 60_000_000_000), (.hours, 3_600_000_000_000),
    ])
    func timestampIsScaledByThePrecision(precision: TimestampPrecision, unit: Int64) throws {
        #expect(precision.nanosecondsPerUnit == unit)
        #expect(try parseSingleLine("m f=1 5", precision: precision).timestamp == 5 * unit)
        #expect(try parseSingleLine("m f=1 -5", precision: precision).timestamp == -5 * unit)
        // A line without a timestamp gets the default, which is already in nanoseconds.
        #expect(try parseSingleLine("m f=1", precision: precision).timestamp == lineProtocolDefaultTimestamp)
    }

    @Test(arguments: [
        (TimestampPrecision.nanoseconds, "9223372036854775807", "9223372036854775808"),
        (.nanoseconds, "-9223372036854775808", "-9223372036854775809"),
        (.microseconds, "9223372036854775", "9223372036854776"),
        (.milliseconds, "-9223372036854", "-9223372036855"),
        (.seconds, "9223372036", "9223372037"),
        (.minutes, "153722867", "153722868"),
        (.hours, "2562047", "2562048"),
    ])
    func timestampOverflowIsAnError(precision: TimestampPrecision, largest: String, overflowing: String) throws {
        let parsed = try parseSingleLine("m f=1 \(largest)", precision: precision).timestamp
        #expect(parsed == Int64(largest)! * precision.nanosecondsPerUnit)
        let error = lineProtocolError("m f=1 \(overflowing)", precision: precision)
        #expect(error?.column == 7)
        #expect(error?.message.hasPrefix("timestamp \"\(overflowing)\" is out of range") == true)
    }

    @Test func timestampWithTooManyDigitsIsOutOfRange() {
        let error = lineProtocolError("m f=1 123456789012345678901234567890")
        #expect(error?.message.hasPrefix("timestamp \"123456789012345678901234567890\" is out of range") == true)
    }

    @Test(arguments: [
        ("m f=1 12a", 7, #"invalid timestamp "12a""#),
        ("m f=1 1.5", 7, #"invalid timestamp "1.5""#),
        ("m f=1 -", 7, #"invalid timestamp "-""#),
        ("m f=1 now", 7, #"invalid timestamp "now""#),
        ("m f=1 +5", 7, #"invalid timestamp "+5""#),
        ("m f=1 123 456", 11, #"unexpected text "456" after the timestamp"#),
    ])
    func malformedTimestamp(text: String, column: Int, message: String) {
        #expect(lineProtocolError(text) == LineProtocolError(line: 1, column: column, message: message))
    }
}
