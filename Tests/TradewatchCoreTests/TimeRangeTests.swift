import Testing
import TradewatchCore

@Suite struct TimeRangeTests {
    @Test func containsIsHalfOpen() throws {
        let range = try TimeRange(startNanoseconds: 100, endNanoseconds: 200)
        #expect(range.contains(nanoseconds: 100))
        #expect(range.contains(nanoseconds: 199))
        #expect(!range.contains(nanoseconds: 200))
        #expect(!range.contains(nanoseconds: 99))
    }

    @Test func reversedOrEmptyRangeIsRefusedWithBothBounds() {
        #expect(throws: TimeRange.ValidationError.endNotAfterStart(start: 5, end: 5)) {
            try TimeRange(startNanoseconds: 5, endNanoseconds: 5)
        }
        do {
            _ = try TimeRange(startNanoseconds: 10, endNanoseconds: 1)
            Issue.record("a reversed range was accepted")
        } catch {
            #expect(error.description == "time range end (1 ns) must be after its start (10 ns)")
        }
    }

    @Test func durationSaturatesInsteadOfOverflowing() throws {
        let whole = try TimeRange(startNanoseconds: .min, endNanoseconds: .max)
        #expect(whole.durationNanoseconds == .max)
        #expect(try TimeRange(startNanoseconds: -5, endNanoseconds: 5).durationNanoseconds == 10)
    }
}
