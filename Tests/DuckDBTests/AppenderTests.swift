import DuckDB
import Foundation
import Testing

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
}
