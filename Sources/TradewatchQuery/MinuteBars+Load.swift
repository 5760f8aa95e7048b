import DuckDB
import TradewatchCore
public import TradewatchStorage

extension MinuteBars {
    /// What one load read, in one snapshot.
    struct Snapshot: Sendable {
        var sequence: Int64 = 0
        var floor: Int64 = .max
        /// Bars by symbol, newest first.
        var bars: [(symbol: String, bars: [MinuteBar])] = []
        var stored: [(symbol: String, interval: String)] = []
    }

    /// Reads the window's bars and the stored candles' series from the store, replacing what is
    /// held. Commits that land meanwhile are kept aside and applied afterwards when newer than
    /// the snapshot read, so none is lost or counted twice. Does nothing when off or when a load
    /// is already running.
    public func load(from store: AnalyticsStore) async throws {
        guard isEnabled else { return }
        let marks = state.withLock { state -> Int? in
            guard state.pending == nil else { return nil }
            state.pending = []
            state.ready = false
            return state.staleMarks
        }
        guard let marks else { return }
        let now = wallClock()
        let configuration = configuration
        let snapshot: Snapshot
        do {
            snapshot = try await store.read { connection in
                try Self.read(connection, now: now, configuration: configuration)
            }
        } catch {
            state.withLock { state in
                state.pending = nil
                state.stale = true
            }
            throw error
        }
        state.withLock { state in
            let marked = state.staleMarks != marks
            install(snapshot, into: &state, now: now)
            state.staleMarks = marks + (marked ? 1 : 0)
            if marked {
                state.ready = false
                state.stale = true
            }
        }
    }

    /// Loads again when ``markStale()`` was called since the last load.
    public func reloadIfStale(from store: AnalyticsStore) async throws {
        guard state.withLock({ $0.stale && $0.pending == nil }) else { return }
        try await load(from: store)
    }

    private func install(_ snapshot: Snapshot, into state: inout State, now: Int64) {
        let pending = state.pending ?? []
        state = State()
        state.floor = snapshot.floor
        state.appliedThrough = snapshot.sequence
        for (symbol, newestFirst) in snapshot.bars {
            let key = SymbolKey(symbol)
            guard state.series.count < configuration.maxSymbols else {
                state.untrackedThrough = max(state.untrackedThrough, newestFirst.first?.minute ?? .min)
                continue
            }
            let series = state.series[key] ?? Series()
            series.bars = newestFirst.reversed()
            state.series[key] = series
            state.barCount += series.bars.count
            state.newest = max(state.newest, newestFirst.first?.minute ?? .min)
        }
        for (symbol, interval) in snapshot.stored {
            state.stored.insert(StoredKey(symbol: SymbolKey(symbol), interval: interval))
        }
        state.storedOverflow = snapshot.stored.count > configuration.maxStoredSeries
        if state.storedOverflow { state.stored.removeAll() }
        advance(&state, now: now)
        for commit in pending where commit.sequence > snapshot.sequence {
            apply(commit.batches, to: &state, now: now)
            state.appliedThrough = max(state.appliedThrough, commit.sequence)
        }
        advance(&state, now: now)
        state.ready = true
    }

    /// Runs on a read connection, in one read-only transaction.
    private static func read(_ connection: Connection, now: Int64, configuration: Configuration) throws -> Snapshot {
        _ = try connection.execute("BEGIN TRANSACTION READ ONLY")
        defer { _ = try? connection.execute("ROLLBACK") }
        var snapshot = Snapshot()
        if case .int64(let sequence) = try connection.query("SELECT coalesce(max(seq), 0) FROM tradewatch_commits").rows().first?.first {
            snapshot.sequence = sequence
        }
        let rollup = AnalyticsStore.tradesRollupName
        let aboveWatermark = "commit_seq > (SELECT watermark FROM tradewatch_rollups WHERE name = '\(rollup)')"
        // The window ends at the newest trade minute, but never later than a minute past the clock.
        let latestAllowed = MinuteBar.bucket(of: now) + 2 * MinuteBar.nanoseconds
        let newest = try connection.query("""
            SELECT epoch_ns(max(m)) FROM (
                SELECT max(bucket) AS m FROM \(rollup) WHERE bucket < make_timestamp_ns(\(latestAllowed))
                UNION ALL
                SELECT max(ts) FROM trades WHERE \(aboveWatermark) AND ts < make_timestamp_ns(\(latestAllowed)))
            """).rows().first?.first
        let newestMinute: Int64 = if case .int64(let value) = newest { MinuteBar.bucket(of: value) } else { MinuteBar.bucket(of: now) }
        snapshot.floor = newestMinute - configuration.window + MinuteBar.nanoseconds
        var current: (symbol: String, bars: [MinuteBar])?
        try connection.query("""
            WITH partials AS (
                SELECT symbol, bucket, open, open_ts, high, low, close, close_ts, volume, notional, price_sum, trade_count
                FROM \(rollup) WHERE bucket >= make_timestamp_ns(\(snapshot.floor))
                UNION ALL
                SELECT symbol, make_timestamp_ns(bucket) AS bucket, \(AnalyticsStore.tradePartialAggregates)
                FROM (
                    SELECT symbol, ts, price, qty,
                        epoch_ns(ts) - ((epoch_ns(ts) % 60000000000) + 60000000000) % 60000000000 AS bucket
                    FROM trades WHERE \(aboveWatermark) AND ts >= make_timestamp_ns(\(snapshot.floor)))
                GROUP BY symbol, bucket)
            SELECT symbol, epoch_ns(bucket), arg_min(open, (open_ts, open)), epoch_ns(min(open_ts)), max(high), min(low),
                arg_max(close, (close_ts, close)), epoch_ns(max(close_ts)), sum(volume), sum(notional), sum(price_sum),
                sum(trade_count)::BIGINT
            FROM partials GROUP BY symbol, bucket ORDER BY symbol, bucket DESC
            """).forEachChunk { chunk in
            let symbols = try chunk.column(0, as: String.self), minutes = try chunk.column(1, as: Int64.self)
            let opens = try chunk.column(2, as: Double.self), openTimes = try chunk.column(3, as: Int64.self)
            let highs = try chunk.column(4, as: Double.self), lows = try chunk.column(5, as: Double.self)
            let closes = try chunk.column(6, as: Double.self), closeTimes = try chunk.column(7, as: Int64.self)
            let volumes = try chunk.column(8, as: Double.self), notionals = try chunk.column(9, as: Double.self)
            let priceSums = try chunk.column(10, as: Double.self), counts = try chunk.column(11, as: Int64.self)
            for row in 0..<chunk.count {
                let symbol = symbols[row] ?? ""
                if current.map({ !$0.symbol.utf8.elementsEqual(symbol.utf8) }) ?? true {
                    if let current { snapshot.bars.append(current) }
                    current = (symbol, [])
                }
                current!.bars.append(MinuteBar(
                    minute: minutes[row] ?? 0, open: opens[row] ?? .nan, openTimestamp: openTimes[row] ?? 0,
                    high: highs[row] ?? .nan, low: lows[row] ?? .nan, close: closes[row] ?? .nan,
                    closeTimestamp: closeTimes[row] ?? 0, volume: volumes[row] ?? 0, notional: notionals[row] ?? 0,
                    priceSum: priceSums[row] ?? 0, tradeCount: counts[row] ?? 0))
            }
        }
        if let current { snapshot.bars.append(current) }
        try connection.query(
            "SELECT DISTINCT symbol, \"interval\" FROM candles LIMIT \(configuration.maxStoredSeries + 1)"
        ).forEachChunk { chunk in
            let symbols = try chunk.column(0, as: String.self), intervals = try chunk.column(1, as: String.self)
            for row in 0..<chunk.count { snapshot.stored.append((symbols[row] ?? "", intervals[row] ?? "")) }
        }
        return snapshot
    }
}
