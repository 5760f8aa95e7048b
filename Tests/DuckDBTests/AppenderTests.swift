import DuckDB
import Foundation
import Testing
import TradewatchTestSupport

@Suite struct AppenderTests {
    @Test func appendsOneMillionRowsToAFileThatSurvivesReopening() throws {
        let folder = try TemporaryDirectory()
        let path = folder.path("trades.duckdb")
        let symbols = ["AAPL", "MSFT", "BTC-USD", "EURUSD"]
        do {
            let connection = try Database(path: path).connect()
            try connection.execute("CREATE TABLE trades (ts TIMESTAMP_NS, symbol VARCHAR, price DOUBLE, qty BIGINT)")
            let appender = try connection.appender(table: "trades")
            for i in 0..<1_000_000 {
                try appender.append(TimestampNanos(nanosecondsSinceEpoch: 1_767_225_600_000_000_000 + Int64(i)))
                try appender.append(symbols[i % 4])
                try appender.append(100 + Double(i % 100) / 100)
                try appender.append(Int64(i % 7))
                try appender.endRow()
            }
            try appender.close()
        }
        // Reopen the file: every row was written, in order, with nanosecond timestamps.
        let connection = try Database(path: path).connect()
        let summary = try connection.query("""
            SELECT count(*), count(DISTINCT symbol), sum(qty), min(epoch_ns(ts)), max(epoch_ns(ts)) FROM trades
            """).rows()
        #expect(summary == [[
            .int64(1_000_000), .int64(4), .double(2_999_997),
            .int64(1_767_225_600_000_000_000), .int64(1_767_225_600_000_999_999),
        ]])
    }

    @Test func rowsBecomeVisibleToOtherConnectionsOnFlush() throws {
        let database = try Database(.memory)
        let writer = try database.connect()
        let reader = try database.connect()
        try writer.execute("CREATE TABLE t (v INTEGER)")
        let appender = try writer.appender(table: "t")
        try appender.append(Int32(1))
        try appender.endRow()
        #expect(try reader.scalar("SELECT count(*) FROM t") == .int64(0))
        try appender.flush()
        #expect(try reader.scalar("SELECT count(*) FROM t") == .int64(1))
        try appender.close()
        try appender.close()  // closing twice is harmless
    }

    @Test func appendingInsideARolledBackTransactionLeavesTheTableUnchanged() throws {
        let connection = try Database(.memory).connect()
        try connection.execute("CREATE TABLE t (v INTEGER)")
        struct Abort: Error {}
        #expect(throws: Abort.self) {
            try connection.transaction {
                let appender = try connection.appender(table: "t")
                for v in 0..<1000 {
                    try appender.append(Int32(v))
                    try appender.endRow()
                }
                try appender.close()
                throw Abort()
            }
        }
        #expect(try connection.scalar("SELECT count(*) FROM t") == .int64(0))
    }

    /// Nulls scattered over several 2,048-row chunks land exactly where they were appended.
    @Test func nullsAcrossChunkBoundariesStayInPlace() throws {
        let connection = try Database(.memory).connect()
        try connection.execute("CREATE TABLE t (i BIGINT, s VARCHAR, d DOUBLE)")
        let appender = try connection.appender(table: "t")
        for i in 0..<5_000 {
            try appender.append(Int64(i))
            if i % 7 == 0 { try appender.appendNull() } else { try appender.append("row \(i) with a longer label") }
            if i % 11 == 0 { try appender.appendNull() } else { try appender.append(Double(i)) }
            try appender.endRow()
        }
        try appender.close()
        let counts = try connection.query("""
            SELECT count(*), count(s), count(d), sum(i) FILTER (WHERE s IS NULL), sum(i) FILTER (WHERE d IS NULL),
                   count(*) FILTER (WHERE s <> 'row ' || i || ' with a longer label'), count(*) FILTER (WHERE d <> i)
            FROM t
            """).rows()
        let nullS = (0..<5_000).filter { $0 % 7 == 0 }
        let nullD = (0..<5_000).filter { $0 % 11 == 0 }
        #expect(counts == [[
            .int64(5_000), .int64(Int64(5_000 - nullS.count)), .int64(Int64(5_000 - nullD.count)),
            .double(Double(nullS.reduce(0, +))), .double(Double(nullD.reduce(0, +))), .int64(0), .int64(0),
        ]])
    }

    @Test func valueThatDoesNotFitItsColumnIsRefusedNamingTheColumnAndTheRowIsDiscarded() throws {
        let connection = try Database(.memory).connect()
        try connection.execute("CREATE TABLE fills (qty INTEGER, price DOUBLE, venue VARCHAR)")
        let appender = try connection.appender(table: "fills")
        try appender.append(Int32(1))
        let mismatch = try #require(throws: DuckDBError.self) { try appender.append("12.5") }
        #expect(mismatch.kind == .typeMismatch)
        #expect(mismatch.message.contains("column price (#2) has type DOUBLE"))
        #expect(mismatch.message.contains("String"))

        let range = try #require(throws: DuckDBError.self) { try appender.append(Int64(Int32.max) + 1) }
        #expect(range.kind == .conversion)
        #expect(range.message.contains("out of range for column qty"))

        // The appender goes on with a fresh row; the discarded ones leave nothing behind.
        try appender.append(Int64(2))
        try appender.append(2.5)
        try appender.append("XNAS")
        let extra = try #require(throws: DuckDBError.self) { try appender.append("one too many") }
        #expect(extra.message.contains("too many values"))
        try appender.append(Int32(3))
        try appender.append(Float(3.5))
        try appender.append("XLON")
        try appender.endRow()
        try appender.close()
        #expect(try connection.query("SELECT * FROM fills").rows() == [[.int32(3), .double(3.5), .string("XLON")]])
    }

    @Test func tablesWithOtherColumnTypesUseDuckDBsCastingAppends() throws {
        let connection = try Database(.memory).connect()
        try connection.execute("CREATE TYPE side AS ENUM ('buy', 'sell')")
        try connection.execute("CREATE TABLE orders (id SMALLINT, side side, day DATE, qty DECIMAL(12,3))")
        let appender = try connection.appender(table: "orders")
        try appender.append(Int64(7))
        try appender.append("sell")
        try appender.append("2026-11-29")
        try appender.append(1.25)
        try appender.endRow()
        try appender.close()
        let row = try connection.query("SELECT id, side::VARCHAR, day::VARCHAR, qty FROM orders").rows()
        #expect(row == [[.int16(7), .string("sell"), .string("2026-11-29"), .double(1.25)]])
    }
}
