import DuckDB
import Foundation
import Testing

/// Each supported type goes in through the appender and through prepared-statement binds, and
/// comes back out unchanged through typed column access and through `DuckDBValue`.
@Suite struct RoundTripTests {
    static let schema = """
        CREATE TABLE samples (
            b BOOLEAN, i32 INTEGER, i64 BIGINT, u64 UBIGINT, d DOUBLE, s VARCHAR, bl BLOB,
            ts TIMESTAMP, tsn TIMESTAMP_NS)
        """

    /// Rows covering ordinary, extreme, unicode and NULL values, in column order.
    static let rows: [[DuckDBValue]] = [
        [.bool(true), .int32(42), .int64(-7), .uint64(7), .double(1.5), .string("AAPL"), .blob(Data([1, 2, 3])),
         .timestamp(Timestamp(microsecondsSinceEpoch: 1_767_225_600_123_456)),
         .timestampNanos(TimestampNanos(nanosecondsSinceEpoch: 1_767_225_600_123_456_789))],
        [.bool(false), .int32(.min), .int64(.min), .uint64(.max), .double(-.greatestFiniteMagnitude),
         .string("Ünïcödé 日本語 🚀 — \"quoted\", comma"), .blob(Data((0...255).map { UInt8($0) })),
         .timestamp(Timestamp(microsecondsSinceEpoch: -62_135_596_800_000_000)),  // 0001-01-01
         .timestampNanos(TimestampNanos(nanosecondsSinceEpoch: -1))],
        [.bool(true), .int32(.max), .int64(.max), .uint64(0), .double(.leastNonzeroMagnitude),
         .string("abcdefghijkl"), .blob(Data()),  // exactly 12 bytes: the longest inlined string
         .timestamp(Timestamp(microsecondsSinceEpoch: 253_402_300_799_999_999)),  // 9999-12-31 23:59:59.999999
         .timestampNanos(TimestampNanos(nanosecondsSinceEpoch: 9_223_372_036_854_775_000))],  // 2262
        [.bool(false), .int32(0), .int64(0), .uint64(1 << 63), .double(.infinity),
         .string("abcdefghijklm"), .blob(Data("13 bytes blob!".utf8)), .timestamp(Timestamp(microsecondsSinceEpoch: 0)),
         .timestampNanos(TimestampNanos(nanosecondsSinceEpoch: -9_223_372_036_854_775_000))],  // 1677
        [.null, .null, .null, .null, .null, .null, .null, .null, .null],
        [.null, .int32(1), .null, .uint64(2), .null, .string(""), .null, .timestamp(Timestamp(microsecondsSinceEpoch: 1)), .null],
    ]

    func readBack(_ connection: Connection) throws -> [[DuckDBValue]] {
        try connection.query("SELECT * FROM samples ORDER BY rowid").rows()
    }

    @Test func appenderRoundTripsEveryTypeIncludingNulls() throws {
        let connection = try Database(.memory).connect()
        try connection.execute(Self.schema)
        let appender = try connection.appender(table: "samples")
        for row in Self.rows {
            for value in row { try appender.append(value) }
            try appender.endRow()
        }
        try appender.close()
        #expect(try readBack(connection) == Self.rows)
    }

    @Test func preparedStatementBindsRoundTripEveryTypeIncludingNulls() throws {
        let connection = try Database(.memory).connect()
        try connection.execute(Self.schema)
        let insert = try connection.prepare("INSERT INTO samples VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
        #expect(insert.parameterCount == 9)
        for row in Self.rows {
            try insert.bind(row)
            #expect(try insert.execute() == 1)
        }
        #expect(try readBack(connection) == Self.rows)

        // Binds also work as query parameters, with the same types.
        let match = try connection.scalar(
            "SELECT count(*) FROM samples WHERE s = $1 AND tsn = $2 AND u64 = $3",
            [.string("AAPL"), .timestampNanos(TimestampNanos(nanosecondsSinceEpoch: 1_767_225_600_123_456_789)), .uint64(7)])
        #expect(match == .int64(1))
    }

    @Test func typedColumnsReadValuesAndNulls() throws {
        let connection = try Database(.memory).connect()
        try connection.execute(Self.schema)
        let insert = try connection.prepare("INSERT INTO samples VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
        for row in Self.rows {
            try insert.bind(row)
            try insert.execute()
        }
        let result = try connection.query("SELECT * FROM samples ORDER BY rowid")
        let chunk = try #require(try result.nextChunk())
        #expect(chunk.count == Self.rows.count)
        #expect(result.columnNames == ["b", "i32", "i64", "u64", "d", "s", "bl", "ts", "tsn"])
        #expect(result.columnTypes.map(\.name) == [
            "BOOLEAN", "INTEGER", "BIGINT", "UBIGINT", "DOUBLE", "VARCHAR", "BLOB", "TIMESTAMP", "TIMESTAMP_NS",
        ])
        let flags = try chunk.column(0, as: Bool.self)
        let int32s = try chunk.column(1, as: Int32.self)
        let int64s = try chunk.column(2, as: Int64.self)
        let widened = try chunk.column(1, as: Int64.self)  // INTEGER widens to Int64 without loss
        let uint64s = try chunk.column(3, as: UInt64.self)
        let doubles = try chunk.column(4, as: Double.self)
        let strings = try chunk.column(5, as: String.self)
        let blobs = try chunk.column(6, as: Data.self)
        let stamps = try chunk.column(7, as: Timestamp.self)
        let nanos = try chunk.column(8, as: TimestampNanos.self)

        #expect(flags[0] == true && flags[1] == false && flags[4] == nil)
        #expect(int32s[1] == .min && int32s[2] == .max && int32s[4] == nil)
        #expect(widened[1] == Int64(Int32.min))
        #expect(int64s[1] == .min && int64s[2] == .max && int64s[5] == nil)
        #expect(uint64s[1] == .max && uint64s[3] == 1 << 63)
        #expect(doubles[3] == .infinity && doubles[2] == .leastNonzeroMagnitude)
        #expect(strings[1] == "Ünïcödé 日本語 🚀 — \"quoted\", comma" && strings[5] == "" && strings[4] == nil)
        #expect(strings[2] == "abcdefghijkl" && strings[3] == "abcdefghijklm")
        #expect(blobs[1] == Data((0...255).map { UInt8($0) }) && blobs[2] == Data())
        #expect(stamps[2] == Timestamp(microsecondsSinceEpoch: 253_402_300_799_999_999))
        #expect(nanos[0] == TimestampNanos(nanosecondsSinceEpoch: 1_767_225_600_123_456_789))
        #expect(nanos[1] == TimestampNanos(nanosecondsSinceEpoch: -1))
        #expect(stamps.isNull(4) && !stamps.isNull(5))
        #expect(try result.nextChunk() == nil)
    }

    @Test func timestampsKeepTheirMeaningInSQL() throws {
        let connection = try Database(.memory).connect()
        try connection.execute("CREATE TABLE t (ts TIMESTAMP, tsn TIMESTAMP_NS)")
        let appender = try connection.appender(table: "t")
        try appender.append(Timestamp(microsecondsSinceEpoch: 1_767_225_600_123_456))
        try appender.append(TimestampNanos(nanosecondsSinceEpoch: 1_767_225_600_123_456_789))
        try appender.endRow()
        try appender.close()
        let rendered = try connection.query("SELECT ts::VARCHAR, tsn::VARCHAR FROM t").rows()
        #expect(rendered == [[.string("2026-01-01 00:00:00.123456"), .string("2026-01-01 00:00:00.123456789")]])
        let epoch = try connection.scalar("SELECT epoch_ns(tsn) FROM t")
        #expect(epoch == .int64(1_767_225_600_123_456_789))

        let nanos = TimestampNanos(nanosecondsSinceEpoch: -1_500)
        #expect(nanos.microseconds == Timestamp(microsecondsSinceEpoch: -2))
    }

    @Test func nanAndNegativeZeroSurvive() throws {
        let connection = try Database(.memory).connect()
        try connection.execute("CREATE TABLE f (d DOUBLE)")
        let appender = try connection.appender(table: "f")
        for value in [Double.nan, -0.0] {
            try appender.append(value)
            try appender.endRow()
        }
        try appender.close()
        let chunk = try #require(try connection.query("SELECT d FROM f ORDER BY rowid").nextChunk())
        let column = try chunk.column(0, as: Double.self)
        #expect(column[0]?.isNaN == true)
        #expect(column[1] == 0 && column[1]?.sign == .minus)
    }

    @Test func otherSQLTypesReadAsTheirNearestSwiftType() throws {
        let connection = try Database(.memory).connect()
        try connection.execute("CREATE TYPE side AS ENUM ('buy', 'sell')")
        let row = try connection.query("""
            SELECT 3::TINYINT, 300::SMALLINT, 12.345::DECIMAL(10,3), 170141183460469231731687303715884105727::HUGEINT,
                   'sell'::side, TIMESTAMP_MS '2026-01-01 00:00:00.123', TIMESTAMP_S '2026-01-01 00:00:01', 2.5::FLOAT
            """).rows()
        #expect(row == [[
            .int8(3), .int16(300), .double(12.345), .double(1.7014118346046923e38), .string("sell"),
            .timestamp(Timestamp(microsecondsSinceEpoch: 1_767_225_600_123_000)),
            .timestamp(Timestamp(microsecondsSinceEpoch: 1_767_225_601_000_000)), .float(2.5),
        ]])
    }
}
