import Testing
import TradewatchCore

@Suite struct RFC3339Tests {
    @Test(arguments: [
        ("1970-01-01T00:00:00Z", Int64(0)),
        ("2026-01-01T00:00:00.123456789Z", 1_767_225_600_123_456_789),
        ("2026-01-01T00:00:00.5Z", 1_767_225_600_500_000_000),
        ("2026-01-01 02:00:00+02:00", 1_767_225_600_000_000_000),
        ("2025-12-31T19:00:00-05:00", 1_767_225_600_000_000_000),
        ("1969-12-31T23:59:59.999999999Z", -1),
        ("2024-02-29T12:00:00Z", 1_709_208_000_000_000_000),
        ("2026-01-01T00:00:00.1234567891Z", 1_767_225_600_123_456_789),  // digits beyond ns are dropped
    ])
    func parses(text: String, nanoseconds: Int64) {
        #expect(RFC3339.nanoseconds(text) == nanoseconds)
    }

    @Test(arguments: [
        "2026-01-01", "2026-01-01T00:00:00", "2026-13-01T00:00:00Z", "2025-02-29T00:00:00Z", "2026-01-01T24:00:00Z",
        "2026-01-01T00:00:00.Z", "2026-01-01T00:00:00Zjunk", "yesterday", "",
    ])
    func refuses(text: String) {
        #expect(RFC3339.nanoseconds(text) == nil)
    }

    @Test func formatsRoundTrip() {
        for value: Int64 in [0, -1, 1_767_225_600_123_456_789, 9_000_000_000_000_000_000, -9_000_000_000_000_000_000] {
            #expect(RFC3339.nanoseconds(RFC3339.format(nanoseconds: value)) == value)
        }
        #expect(RFC3339.format(nanoseconds: 1_767_225_600_123_456_789) == "2026-01-01T00:00:00.123456789Z")
    }
}
