import HTTPTypes
import Hummingbird
import TradewatchCore
import TradewatchQuery

/// `GET /api/v1/candles`: whole-minute candles without a venue filter come from the in-memory
/// minute bars when they cover the range (and no candle is stored for the symbol and interval);
/// everything else runs ``CandlesQuery``'s SQL. Both give the same bytes.
extension QueryController {
    /// `memory` on answers built from the minute bars.
    static let sourceHeader = HTTPField.Name("X-Tradewatch-Source")!

    /// How long a request waits for ``MinuteBarsFeed`` to fold the commits the writer already
    /// published (usually well under a millisecond), before taking the SQL path.
    static let memoryCatchUpWait: Duration = .milliseconds(100)

    func addCandles(to router: Router<Context>) {
        router.get("api/v1/candles") { request, context in
            try await answer(request, context) { parameters, format in
                try await candles(&parameters, format: format, request: request, context: context)
            }
        }
    }

    private func candles(
        _ parameters: inout QueryParameters, format: ResultFormat, request: Request, context: Context
    ) async throws -> Response {
        let explicitEnd = try parameters.string("end") != nil
        let query = try CandlesQuery(parameters: &parameters, now: Self.now())
        try parameters.rejectUnknown(besides: ["format", "min_commit"])
        let key = Self.cacheKey(request, format: format)
        if explicitEnd, let hit = cached(key) { return hit }
        if let minuteBars, minuteBars.isEnabled {
            if let response = await fromMemory(query, bars: minuteBars, format: format, key: explicitEnd ? key : nil) {
                minuteBars.countAnswer(fromMemory: true)
                return response
            }
            minuteBars.countAnswer(fromMemory: false)
        }
        return try await run(query, key: explicitEnd ? key : nil, format: format, request: request, context: context)
    }

    /// The answer built from memory, or `nil` when the memory cannot give it.
    private func fromMemory(_ query: CandlesQuery, bars: MinuteBars, format: ResultFormat, key: String?) async -> Response? {
        let width = query.interval.nanoseconds
        guard query.venue == nil, width.isMultiple(of: MinuteBar.nanoseconds) else { return nil }
        do {
            try await bars.reloadIfStale(from: store)
        } catch {
            return nil
        }
        let sequence = cache.currentSequence
        let visible = writer.lastCommitted
        let deadline = ContinuousClock.now + Self.memoryCatchUpWait
        var lookup = bars.lookup(symbol: query.symbol, range: query.range, interval: query.interval.text, appliedThrough: visible)
        while case .behind = lookup, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .microseconds(200))
            lookup = bars.lookup(symbol: query.symbol, range: query.range, interval: query.interval.text, appliedThrough: visible)
        }
        guard case .covered(let minutes) = lookup else { return nil }
        let candles = MinuteBarCandles.candles(from: minutes, width: width, limit: query.limit)
        let body = MinuteBarCandles.body(symbol: query.symbol, candles: candles, format: format)
        if let key {
            cache.store(
                .init(body: body, contentType: format.contentType), for: key,
                plan: QueryPlan(sql: "", tables: [.trades, .candles], window: query.range), sequence: sequence)
        }
        var headers = HTTPFields()
        headers[.contentType] = format.contentType
        headers[Self.cacheHeader] = "miss"
        headers[Self.sourceHeader] = "memory"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}
