import Testing
import TradewatchQuery

@Suite struct QueryParametersTests {
    @Test func decodesPercentEscapesAndPlus() throws {
        var parameters = QueryParameters(query: "symbol=BTC%2DUSD&note=a+b&empty=")
        #expect(try parameters.string("symbol") == "BTC-USD")
        #expect(try parameters.string("note") == "a b")
        #expect(try parameters.string("empty") == nil)
    }

    @Test func timesAcceptRFC3339AndEpochNanoseconds() throws {
        var parameters = QueryParameters(query: "start=2026-01-02T03:04:05.5Z&end=1767323045600000000")
        let range = try parameters.timeRange(now: 0, defaultSpan: 1)
        #expect(range == 1_767_323_045_500_000_000..<1_767_323_045_600_000_000)
    }

    @Test func startAfterEndIsRefusedNamingBoth() throws {
        var parameters = QueryParameters(query: "start=2026-01-02T00:00:00Z&end=2026-01-01T00:00:00Z")
        let error = #expect(throws: QueryError.self) { try parameters.timeRange(now: 0, defaultSpan: 1) }
        #expect(error?.message == "start (2026-01-02T00:00:00.000000000Z) must be before end (2026-01-01T00:00:00.000000000Z)")
        #expect(error?.parameter == "start")
    }

    @Test func badValuesNameTheParameter() throws {
        var parameters = QueryParameters(query: "limit=ten&start=yesterday&order=sideways&limit2=1")
        #expect(throws: QueryError("parameter limit must be an integer, not \"ten\"", parameter: "limit")) {
            try parameters.integer("limit", in: 1...10)
        }
        let time = #expect(throws: QueryError.self) { try parameters.time("start") }
        #expect(time?.parameter == "start")
        let order = #expect(throws: QueryError.self) { try parameters.choice("order", of: ["asc", "desc"], default: "asc") }
        #expect(order?.message == "parameter order must be one of asc, desc, not \"sideways\"")
    }

    @Test func unknownParametersAreRefusedListingKnownOnes() throws {
        var parameters = QueryParameters(query: "symbl=AAPL&limit=5&label.desk=eq")
        _ = try parameters.integer("limit", in: 1...10)
        _ = try parameters.string("symbol")
        #expect(try parameters.labels().map(\.key) == ["desk"])
        let error = #expect(throws: QueryError.self) { try parameters.rejectUnknown() }
        #expect(error?.message == "unknown parameter symbl; this endpoint takes limit, symbol")
    }

    @Test func repeatedScalarIsRefusedButListsMerge() throws {
        var parameters = QueryParameters(query: "symbol=A&symbol=B&fn=avg,max&fn=p95")
        #expect(throws: QueryError.self) { try parameters.string("symbol") }
        #expect(parameters.list("fn") == ["avg", "max", "p95"])
    }

    @Test func listItemsLoseSurroundingSpacesButKeepInnerOnesAndAnyCharacters() throws {
        var parameters = QueryParameters(query: "symbol=%20BTC%20,+ETH+USD+,,%C3%A9t%C3%A9%20,%20%20&name=x")
        #expect(parameters.list("symbol") == ["BTC", "ETH USD", "été"])
        #expect(parameters.list("name") == ["x"])
        #expect(parameters.list("absent") == [])
    }
}

@Suite struct BucketWidthTests {
    @Test func readsEveryUnit() throws {
        #expect(try BucketWidth("250ms", parameter: "bucket").nanoseconds == 250_000_000)
        #expect(try BucketWidth("1s", parameter: "bucket").nanoseconds == 1_000_000_000)
        #expect(try BucketWidth("5m", parameter: "bucket").nanoseconds == 300_000_000_000)
        #expect(try BucketWidth("4h", parameter: "bucket").nanoseconds == 14_400_000_000_000)
        #expect(try BucketWidth("1d", parameter: "bucket").nanoseconds == 86_400_000_000_000)
    }

    @Test func refusesUnknownUnitsAndOutOfRangeWidths() throws {
        let unknown = #expect(throws: QueryError.self) { try BucketWidth("3 fortnights", parameter: "bucket") }
        #expect(unknown?.message == "parameter bucket must be a duration such as 1s, 250ms, 5m, 1h or 1d, not \"3 fortnights\"")
        let tooSmall = #expect(throws: QueryError.self) { try BucketWidth("10us", parameter: "interval") }
        #expect(tooSmall?.message == "parameter interval must be between 1ms and 1w, not 10us")
        #expect(throws: QueryError.self) { try BucketWidth("0s", parameter: "bucket") }
        #expect(throws: QueryError.self) { try BucketWidth("-1m", parameter: "bucket") }
    }
}
