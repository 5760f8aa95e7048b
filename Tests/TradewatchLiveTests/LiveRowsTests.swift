import Testing
@testable import TradewatchLive

/// The rows a subscription has queued: chunks shared between subscriptions, of which the oldest
/// rows can be dropped without copying, written out as the `rows` array of a frame.
@Suite struct LiveRowsTests {
    func chunk(_ rows: String...) -> LiveRowChunk { LiveRowChunk(rows: rows.map { Array($0.utf8) }) }

    func written(_ rows: LiveRows) -> String {
        var output: [UInt8] = []
        rows.write(to: &output)
        #expect(output.count == rows.byteCount)
        return String(decoding: output, as: UTF8.self)
    }

    @Test func chunksAreWrittenAsOneCommaSeparatedList() {
        var rows = LiveRows(chunk(#"{"a":1}"#, #"{"a":2}"#))
        rows.append(chunk(#"{"a":3}"#))
        #expect(rows.count == 3)
        #expect(written(rows) == #"{"a":1},{"a":2},{"a":3}"#)
        #expect(Array(rows).map { String(decoding: $0, as: UTF8.self) } == [#"{"a":1}"#, #"{"a":2}"#, #"{"a":3}"#])
    }

    @Test func droppingTheOldestRowsCrossesChunks() {
        var rows = LiveRows(chunk("1", "2", "3"))
        rows.append(chunk("4", "5"))
        rows.dropFirst(1)
        #expect(written(rows) == "2,3,4,5")
        rows.dropFirst(3)
        #expect(rows.count == 1)
        #expect(written(rows) == "5")
        rows.dropFirst(10)
        #expect(rows.isEmpty)
        #expect(written(rows) == "")
    }

    @Test func appendingRowsWithDroppedOnesKeepsOnlyTheRest() {
        var source = LiveRows(chunk("1", "2", "3"))
        source.append(chunk("4"))
        source.dropFirst(2)
        var target = LiveRows(chunk("0"))
        target.append(contentsOf: source)
        #expect(target.count == 3)
        #expect(written(target) == "0,3,4")
        #expect(target == LiveRows([[UInt8]("0".utf8), [UInt8]("3".utf8), [UInt8]("4".utf8)]))
    }

    @Test func emptyChunksAddNothing() {
        var rows = LiveRows()
        rows.append(chunk())
        #expect(rows.isEmpty)
        rows.append(chunk("x"))
        #expect(written(rows) == "x")
    }
}
