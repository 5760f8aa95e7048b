import DuckDB
import Foundation
import Testing
import TradewatchCore
import TradewatchQuery
import TradewatchStorage
import TradewatchTestSupport

@Suite struct AggregateQueryTests {
    /// 2026-01-01T00:00:00Z.
    static let t0: Int64 = 1_767_225_600_000_000_000
    static let second: Int64 = 1_000_000_000
    static let minute = 60 * second
    static let window = "start=\(t0)&end=\(t0 + 5 * minute)"

    /// Symbol A (desk eq) has points in minutes 0, 1 and 4, B (desk fx) in minutes 1 and 2; the
    /// points just outside the range and of another metric must never count.
    static func fixture() async throws -> AnalyticsFixture {
        func point(_ offset: Int64, _ symbol: String, _ value: Double, name: String = "latency_ms") -> AnalyticsFixture.Row {
            let labels = symbol == "A" ? #"{"desk":"eq","team.name":"risk"}"# : #"{"desk":"fx"}"#
            return (t0 + offset, ["name": .text(name), "symbol": .text(symbol), "value": .double(value), "labels": .text(labels)])
        }
        return try await AnalyticsFixture(.metrics, [
            point(0, "A", 1),  // exactly on the first boundary
            point(30 * second, "A", 3),
            point(minute - 1, "A", 8),  // the last nanosecond of minute 0
            point(minute, "A", 10),  // exactly on a boundary: minute 1
            point(4 * minute, "A", 20),
            point(90 * second, "B", 100),
            point(150 * second, "B", 200),
            point(-1, "A", 1000),  // before start
            point(5 * minute, "A", 5000),  // at end, which is excluded
            point(10 * second, "A", 999, name: "other"),
        ])
    }

    static func query(_ text: String) throws -> AggregateQuery {
        var parameters = QueryParameters(query: text)
        let query = try AggregateQuery(parameters: &parameters, now: t0 + 5 * minute)
        try parameters.rejectUnknown()
        return query
    }

    static func ts(_ offset: Int64) -> DuckDBValue {
        .timestampNanos(TimestampNanos(nanosecondsSinceEpoch: t0 + offset))
    }

    @Test func everyFunctionPerBucketWithDataOnly() async throws {
        let fixture = try await Self.fixture()
        let query = try Self.query("name=latency_ms&symbol=A&fn=avg,min,max,sum,count,first,last,p50,p95,p99,stddev&" + Self.window)
        let result = try await fixture.run(query.plans[0].plan)
        #expect(result.columns == ["ts", "avg", "min", "max", "sum", "count", "first", "last", "p50", "p95", "p99", "stddev"])
        try #require(result.rows.count == 3)
        // Minute 0 holds 1, 3, 8 (in time order).
        #expect(Array(result.rows[0].prefix(9)) == [Self.ts(0), 4.0, 1.0, 8.0, 12.0, .int64(3), 1.0, 8.0, 3.0])
        #expect(try abs(#require(result.rows[0][9].number) - 7.5) < 1e-9)  // 3 + 0.9 × (8 − 3)
        #expect(try abs(#require(result.rows[0][10].number) - 7.9) < 1e-9)  // 3 + 0.98 × (8 − 3)
        #expect(try abs(#require(result.rows[0][11].number) - 13.0.squareRoot()) < 1e-12)  // √((9 + 1 + 16) / 2)
        // One point: every statistic is the point, and the sample deviation is undefined.
        #expect(result.rows[1] == [Self.ts(Self.minute), 10.0, 10.0, 10.0, 10.0, .int64(1), 10.0, 10.0, 10.0, 10.0, 10.0, .null])
        #expect(result.rows[2] == [Self.ts(4 * Self.minute), 20.0, 20.0, 20.0, 20.0, .int64(1), 20.0, 20.0, 20.0, 20.0, 20.0, .null])
    }

    @Test func planReadsMetricsInTheRequestedWindow() throws {
        let query = try Self.query("name=latency_ms&" + Self.window)
        #expect(query.plans.map(\.name) == ["rows"])
        #expect(query.plans[0].plan.tables == [.metrics])
        #expect(query.plans[0].plan.window == Self.t0..<(Self.t0 + 5 * Self.minute))
        #expect(query.functions == [.avg])
        #expect(query.bucket.nanoseconds == Self.minute)
        #expect(query.bucketCount == 5)
    }

    @Test func defaultsToTheLastHourInMinuteBucketsOfAverages() async throws {
        let fixture = try await Self.fixture()
        var parameters = QueryParameters(query: "name=latency_ms&symbol=B")
        let query = try AggregateQuery(parameters: &parameters, now: Self.t0 + 3 * Self.minute)
        #expect(query.range == (Self.t0 + 3 * Self.minute - 3_600 * Self.second)..<(Self.t0 + 3 * Self.minute))
        let result = try await fixture.run(query.plans[0].plan)
        #expect(result.columns == ["ts", "avg"])
        #expect(result.rows == [[Self.ts(Self.minute), 100.0], [Self.ts(2 * Self.minute), 200.0]])
    }

    @Test func groupsBySymbolOrderedByGroupThenTime() async throws {
        let fixture = try await Self.fixture()
        let result = try await fixture.run(Self.query("name=latency_ms&fn=sum,count&group=symbol&" + Self.window).plans[0].plan)
        #expect(result.columns == ["ts", "symbol", "sum", "count"])
        #expect(result.rows == [
            [Self.ts(0), "A", 12.0, .int64(3)],
            [Self.ts(Self.minute), "A", 10.0, .int64(1)],
            [Self.ts(4 * Self.minute), "A", 20.0, .int64(1)],
            [Self.ts(Self.minute), "B", 100.0, .int64(1)],
            [Self.ts(2 * Self.minute), "B", 200.0, .int64(1)],
        ])
    }

    @Test func groupsByALabelAndFiltersByLabels() async throws {
        let fixture = try await Self.fixture()
        let grouped = try await fixture.run(Self.query("name=latency_ms&fn=max&group=label.desk&" + Self.window).plans[0].plan)
        #expect(grouped.columns == ["ts", "desk", "max"])
        #expect(grouped.rows == [
            [Self.ts(0), "eq", 8.0], [Self.ts(Self.minute), "eq", 10.0], [Self.ts(4 * Self.minute), "eq", 20.0],
            [Self.ts(Self.minute), "fx", 100.0], [Self.ts(2 * Self.minute), "fx", 200.0],
        ])
        let fx = try await fixture.run(Self.query("name=latency_ms&fn=max&label.desk=fx&" + Self.window).plans[0].plan)
        #expect(fx.rows == [[Self.ts(Self.minute), 100.0], [Self.ts(2 * Self.minute), 200.0]])
        // A key holding a dot is one key, not a path.
        let team = try await fixture.run(Self.query("name=latency_ms&fn=count&label.team.name=risk&" + Self.window).plans[0].plan)
        #expect(team.rows.map { $0[1] } == [.int64(3), .int64(1), .int64(1)])
        // A value is bound, never spliced: quotes in it match nothing.
        let injected = try await fixture.run(Self.query("name=latency_ms&label.desk=fx'%20OR%20'1'='1&" + Self.window).plans[0].plan)
        #expect(injected.rows.isEmpty)
    }

    @Test func bucketsAlignToTheEpochAndEndIsExclusive() async throws {
        let fixture = try await Self.fixture()
        // From 00:00:30 to 00:01:30: minute 0 holds 3 and 8 (1 is before start), minute 1 holds
        // A's 10 only (B's 100 at exactly 00:01:30 is excluded).
        let start = Self.t0 + 30 * Self.second
        let query = try Self.query("name=latency_ms&fn=count,sum&fill=null&start=\(start)&end=\(start + Self.minute)")
        #expect(query.bucketCount == 2)
        let result = try await fixture.run(query.plans[0].plan)
        #expect(result.rows == [[Self.ts(0), .int64(2), 11.0], [Self.ts(Self.minute), .int64(1), 10.0]])
    }

    @Test func fillNullKeepsEveryBucketWithNullsAndZeroCounts() async throws {
        let fixture = try await Self.fixture()
        let result = try await fixture.run(Self.query("name=latency_ms&fn=avg,count&group=symbol&fill=null&" + Self.window).plans[0].plan)
        #expect(result.columns == ["ts", "symbol", "avg", "count"])
        #expect(result.rows.map { $0[0] } == (0..<10).map { Self.ts(Int64($0 % 5) * Self.minute) })
        #expect(result.rows.map { $0[1] } == Array(repeating: "A", count: 5) + Array(repeating: "B", count: 5))
        #expect(result.rows.map { $0[2] } == [4.0, 10.0, nil, nil, 20.0, nil, 100.0, 200.0, nil, nil])
        #expect(result.rows.map { $0[3] } == [3, 1, 0, 0, 1, 0, 1, 1, 0, 0].map { DuckDBValue.int64($0) })
    }

    @Test func fillZero() async throws {
        let fixture = try await Self.fixture()
        let result = try await fixture.run(Self.query("name=latency_ms&fn=avg&group=symbol&fill=zero&" + Self.window).plans[0].plan)
        #expect(result.rows.map { $0[2] } == [4.0, 10.0, 0.0, 0.0, 20.0, 0.0, 100.0, 200.0, 0.0, 0.0])
    }

    @Test func fillPreviousCarriesTheGroupsLastValueForward() async throws {
        let fixture = try await Self.fixture()
        let result = try await fixture.run(
            Self.query("name=latency_ms&fn=avg,count,stddev&group=symbol&fill=previous&" + Self.window).plans[0].plan)
        #expect(result.rows.map { $0[2] } == [4.0, 10.0, 10.0, 10.0, 20.0, nil, 100.0, 200.0, 200.0, 200.0])
        #expect(result.rows.map { $0[3] } == [3, 1, 0, 0, 1, 0, 1, 1, 0, 0].map { DuckDBValue.int64($0) })
        // Minute 1 holds one point, so its deviation stays NULL; the empty minutes take minute 0's.
        #expect(result.rows[1][4] == nil)
        #expect(try abs(#require(result.rows[2][4].number) - 13.0.squareRoot()) < 1e-12)
        #expect(result.rows[3][4] == result.rows[2][4])
        #expect(result.rows[5][4] == nil)
    }

    @Test func fillLinearInterpolatesBetweenNeighboursOnly() async throws {
        let fixture = try await Self.fixture()
        let result = try await fixture.run(Self.query("name=latency_ms&fn=avg&group=symbol&fill=linear&" + Self.window).plans[0].plan)
        // A's minutes 2 and 3 lie a third and two thirds of the way from 10 (minute 1) to 20 (minute 4).
        let oneThird: Double = 10 + 10.0 * 1 / 3
        let twoThirds: Double = 10 + 10.0 * 2 / 3
        let expected: [DuckDBValue] = [4.0, 10.0, .double(oneThird), .double(twoThirds), 20.0, nil, 100.0, 200.0, nil, nil]
        #expect(result.rows.map { $0[2] } == expected)
    }

    @Test func ungroupedFillCoversEveryBucketEvenWithoutData() async throws {
        let fixture = try await Self.fixture()
        let result = try await fixture.run(Self.query("name=order.rejects&fn=count,sum&fill=zero&" + Self.window).plans[0].plan)
        #expect(result.rows == (0..<5).map { [Self.ts($0 * Self.minute), .int64(0), 0.0] })
        let unfilled = try await fixture.run(Self.query("name=order.rejects&fn=count&" + Self.window).plans[0].plan)
        #expect(unfilled.rows.isEmpty)
    }

    @Test func bucketCountIsCappedAtOneHundredThousand() throws {
        #expect(try Self.query("name=x&bucket=1s&start=\(Self.t0)&end=\(Self.t0 + 100_000 * Self.second)").bucketCount == 100_000)
        let error = #expect(throws: QueryError.self) {
            try Self.query("name=x&bucket=1s&start=\(Self.t0)&end=\(Self.t0 + 100_000 * Self.second + 1)")
        }
        #expect(error?.parameter == "bucket")
        #expect(error?.message == "bucket 1s splits 2026-01-01T00:00:00.000000000Z to 2026-01-02T03:46:40.000000001Z into 100001 buckets; at most 100000 are allowed: use a wider bucket or a shorter range")
    }

    @Test func badParametersAreRefusedNamingThem() throws {
        func refusal(_ text: String) -> QueryError? {
            return #expect(throws: QueryError.self) { try Self.query(text) }
        }
        #expect(refusal("fn=avg") == QueryError("parameter name is required", parameter: "name"))
        #expect(refusal("name=x&fn=avg,median") == QueryError(
            "parameter fn: unknown function \"median\"; valid ones are avg, min, max, sum, count, first, last, p50, p95, p99, stddev",
            parameter: "fn"))
        #expect(refusal("name=x&fn=max,max") == QueryError("parameter fn names max twice", parameter: "fn"))
        #expect(refusal("name=x&fill=spline") == QueryError(
            "parameter fill must be one of null, previous, linear, zero, not \"spline\"", parameter: "fill"))
        #expect(refusal("name=x&bucket=5x") == QueryError(
            "parameter bucket must be a duration such as 1s, 250ms, 5m, 1h or 1d, not \"5x\"", parameter: "bucket"))
        let tooWide = refusal("name=x&bucket=2w")
        #expect(tooWide?.parameter == "bucket")
        #expect(tooWide?.message.hasSuffix(" and 1w, not 2w") == true)
        #expect(refusal("name=x&bucket=1ms")?.parameter == "bucket")  // 3,600,000 buckets in the default hour
        #expect(refusal("name=x&group=venue") == QueryError(
            "parameter group must be symbol or label.<key>, not \"venue\"", parameter: "group"))
        #expect(refusal("name=x&group=label.") == QueryError(
            "parameter group must be symbol or label.<key>, not \"label.\"", parameter: "group"))
        #expect(refusal("name=x&group=label.a%22b") == QueryError(
            "parameter group: label key \"a\"b\" may hold only letters, digits and _ - . : /", parameter: "group"))
        #expect(refusal("name=x&group=label.avg") == QueryError(
            "parameter group: label key \"avg\" clashes with the output column of the same name", parameter: "group"))
        #expect(refusal("name=x&start=\(Self.t0)&end=\(Self.t0)")?.parameter == "start")
        #expect(refusal("name=x&bucket=1m&interval=1m")?.parameter == "interval")
    }
}

extension DuckDBValue {
    /// The value as a `Double` when it is a number.
    var number: Double? {
        switch self {
        case .double(let value): value
        case .int64(let value): Double(value)
        default: nil
        }
    }
}

/// A real ``AnalyticsStore`` on a temporary file, loaded through the commit path ingestion uses.
final class AnalyticsFixture: Sendable {
    typealias Row = (ts: Int64, values: [String: ColumnarBatch.Value])

    struct Result: Sendable {
        var columns: [String]
        var rows: [[DuckDBValue]]
    }

    let folder: TemporaryDirectory
    let store: AnalyticsStore

    /// Commits `tables` (each with its rows) as commit 1.
    init(_ tables: [(AnalyticsTable, [Row])]) async throws {
        folder = try TemporaryDirectory()
        store = try AnalyticsStore(path: folder.path("analytics.duckdb"), configuration: .init(threads: 1, readConnections: 1))
        try await store.commit(tables.map { try Self.batch($0.0, $0.1) }, sequence: 1)
    }

    convenience init(_ table: AnalyticsTable, _ rows: [Row]) async throws {
        try await self.init([(table, rows)])
    }

    deinit { store.close() }

    func run(_ plan: QueryPlan) async throws -> Result {
        try await store.read { connection in
            let result = try connection.query(plan.sql, plan.parameters)
            return Result(columns: result.columnNames, rows: try result.rows())
        }
    }

    private static func batch(_ table: AnalyticsTable, _ rows: [Row]) throws -> ColumnarBatch {
        var batch = ColumnarBatch(table: table)
        var row = RowValues(table: table)
        for (ts, values) in rows {
            row.reset()
            row.timestamp = ts
            for (name, value) in values {
                let column = try #require(name == "labels" ? table.labelsIndex : table.columnIndex(name), "\(table) has no column \(name)")
                switch (row.slots[column], value) {
                case (.text(let slot), .text(let text)): row.texts[slot] = text
                case (.double(let slot), .double(let number)): row.doubles[slot] = number
                case (.integer(let slot), .integer(let number)): row.integers[slot] = number
                default: Issue.record("column \(name) of \(table) cannot hold \(value)")
                }
            }
            batch.append(row)
        }
        return batch
    }
}
