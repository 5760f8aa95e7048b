import Synchronization
public import TradewatchCore
import TradewatchStorage

/// One-minute partial candles of recent trades, per symbol (all venues together), held in memory
/// so `GET /api/v1/candles` of whole-minute intervals answers without DuckDB.
///
/// Loaded at startup from the `trades_1m` rollup (plus the trades above its watermark) for a
/// bounded window, then kept current by ``record(sequence:batches:)`` from every commit, through
/// ``MinuteBarsFeed`` beside the writer (a request waits briefly for the commits it may have
/// seen acknowledged to be folded in, else it is answered by SQL). The window ends at the
/// newest trade minute seen (never later than one minute past the wall clock) and older bars are
/// evicted as it moves. Memory is bounded: at most `maxSymbols` symbols and about `maxBars` bars;
/// what the caps leave out is remembered as ranges the memory does not cover, and ``lookup``
/// says "not covered" for them, so the caller uses SQL. Bars of a symbol are sorted by minute,
/// so a range is a slice found by binary search.
public final class MinuteBars: Sendable {
    public struct Configuration: Sendable {
        /// How far back bars are kept, in nanoseconds (a whole number of minutes); 0 turns the memory off.
        public var window: Int64
        public var maxSymbols: Int
        public var maxBars: Int
        /// Distinct (symbol, interval) pairs of stored candles remembered; past it every candles
        /// request takes the SQL path.
        public var maxStoredSeries: Int

        public init(hours: Int = 48, maxSymbols: Int = 10_000, maxBars: Int = 2_000_000, maxStoredSeries: Int = 100_000) {
            window = Int64(max(0, hours)) * 3_600_000_000_000
            self.maxSymbols = maxSymbols
            self.maxBars = maxBars
            self.maxStoredSeries = maxStoredSeries
        }
    }

    /// What ``lookup(symbol:range:interval:appliedThrough:)`` found.
    public enum Lookup: Sendable {
        /// The bars of the symbol in the range, oldest first (empty: no trades there).
        case covered([MinuteBar])
        /// Commits up to the one asked for are not folded in yet (the commit hook runs just
        /// after the writer publishes its sequence): ask again in a moment.
        case behind
        /// The memory cannot answer; the reason is for logs and tests.
        case notCovered(String)
    }

    public let configuration: Configuration
    let state = Mutex(State())
    let wallClock: @Sendable () -> Int64
    private let answers = Atomic<Int>(0)
    private let fallbacks = Atomic<Int>(0)

    /// - Parameter wallClock: nanoseconds since the epoch; tests pass a fixed clock.
    public init(configuration: Configuration = .init(), wallClock: @escaping @Sendable () -> Int64 = MinuteBars.now) {
        self.configuration = configuration
        self.wallClock = wallClock
    }

    public var isEnabled: Bool { configuration.window > 0 }

    /// The last commit folded in: an answer is current once this reaches the writer's last commit.
    public var appliedThrough: Int64 { state.withLock { $0.appliedThrough } }

    /// Takes in a commit's trades (and notes which symbols and intervals have stored candles),
    /// in commit order; a commit at or below ``appliedThrough`` is already in and is skipped.
    /// The server calls it from ``MinuteBarsFeed``'s task, not the committer thread.
    public func record(sequence: Int64, batches: [ColumnarBatch]) {
        guard isEnabled else { return }
        let now = wallClock()
        state.withLock { state in
            if state.pending != nil {
                state.pending!.append((sequence, batches.filter { $0.table == .trades || $0.table == .candles }))
                return
            }
            // A commit the last load already read (it was queued before the load finished).
            guard sequence > state.appliedThrough else { return }
            apply(batches, to: &state, now: now)
            state.appliedThrough = sequence
            advance(&state, now: now)
        }
    }

    /// Rows were deleted outside commits (the archiver expired old days): the memory is not used
    /// until ``reloadIfStale(from:)`` reads it again.
    public func markStale() {
        state.withLock { state in
            state.ready = false
            state.stale = true
            state.staleMarks += 1
        }
    }

    /// The bars of `symbol` in `range` (whole minutes), when the memory holds all of them, no
    /// candle is stored for `symbol` at `interval`, and every commit through `appliedThrough` is in.
    public func lookup(symbol: String, range: Range<Int64>, interval: String, appliedThrough: Int64) -> Lookup {
        guard isEnabled else { return .notCovered("off") }
        let key = SymbolKey(symbol)
        return state.withLock { state -> Lookup in
            guard state.ready else { return .notCovered(state.stale ? "stale" : "loading") }
            guard state.appliedThrough >= appliedThrough else { return .behind }
            guard range.lowerBound >= state.floor else { return .notCovered("before the window") }
            guard range.upperBound <= state.futureFrom else { return .notCovered("after the window") }
            guard !state.storedOverflow, !state.stored.contains(StoredKey(symbol: key, interval: interval)) else {
                return .notCovered("stored candles")
            }
            guard let series = state.series[key] else {
                return range.lowerBound <= state.untrackedThrough ? .notCovered("symbol cap") : .covered([])
            }
            let from = series.firstIndex(atOrAfter: range.lowerBound)
            let to = series.firstIndex(atOrAfter: range.upperBound)
            return .covered(Array(series.bars[from..<to]))
        }
    }

    /// Counts an answer for ``statistics``.
    public func countAnswer(fromMemory: Bool) {
        if fromMemory {
            answers.wrappingAdd(1, ordering: .relaxed)
        } else {
            fallbacks.wrappingAdd(1, ordering: .relaxed)
        }
    }

    /// Symbols and bars held; candles answers served from memory and those that fell back to SQL.
    public var statistics: (symbols: Int, bars: Int, memoryAnswers: Int, sqlAnswers: Int) {
        let (symbols, bars) = state.withLock { ($0.series.count, $0.barCount) }
        return (symbols, bars, answers.load(ordering: .relaxed), fallbacks.load(ordering: .relaxed))
    }

    /// The first minute covered, `nil` before the first load.
    public var floor: Int64? { state.withLock { $0.floor == .max ? nil : $0.floor } }

    public static func now() -> Int64 { Archiver.wallClockNow() }
}
