import Synchronization
public import TradewatchCore

/// Answers of repeated identical queries, kept in memory (least recently used evicted first) and
/// never served stale: each entry remembers the last commit before its query ran, and is valid
/// only while no later commit wrote to one of its tables inside its time window. A late write
/// into a closed window (an old timestamp) therefore invalidates the answers covering it, while
/// writes of new data leave answers about the past in place.
public final class QueryCache: Sendable {
    public struct Answer: Sendable {
        public let body: [UInt8]
        public let contentType: String
        public let headers: [(name: String, value: String)]

        public init(body: [UInt8], contentType: String, headers: [(name: String, value: String)] = []) {
            self.body = body
            self.contentType = contentType
            self.headers = headers
        }
    }

    /// What one commit wrote to one table.
    struct Write {
        let sequence: Int64
        let table: AnalyticsTable
        let earliest: Int64
        let latest: Int64
    }

    private struct Entry {
        let answer: Answer
        let tables: Set<AnalyticsTable>
        let window: Range<Int64>?
        let sequence: Int64
        var lastUsed: UInt64
    }

    private struct State {
        var entries: [String: Entry] = [:]
        var bytes = 0
        var clock: UInt64 = 0
        /// Recent writes, oldest first; entries older than the first cannot be checked.
        var writes: [Write] = []
        var forgottenThrough: Int64 = 0
        var lastSequence: Int64 = 0
        var hits = 0
        var misses = 0
    }

    public let maxBytes: Int
    /// Answers larger than this are not kept.
    public let maxAnswerBytes: Int
    private let maxWrites = 16_384
    private let state = Mutex(State())

    public init(maxBytes: Int = 64 << 20, maxAnswerBytes: Int = 1 << 20) {
        self.maxBytes = maxBytes
        self.maxAnswerBytes = maxAnswerBytes
    }

    /// The sequence to give ``store(_:for:plan:sequence:)`` for a query about to run: the last
    /// commit recorded so far. Taken before the query starts, so a commit that lands while it
    /// runs counts as later and is checked against the answer.
    public var currentSequence: Int64 { state.withLock { $0.lastSequence } }

    /// Records a commit's rows (the server calls this from the batch writer's commit hook).
    public func recordCommit(sequence: Int64, batches: [ColumnarBatch]) {
        var writes: [AnalyticsTable: (Int64, Int64)] = [:]
        for batch in batches where batch.rowCount > 0 {
            var (earliest, latest) = writes[batch.table] ?? (.max, .min)
            for timestamp in batch.timestamps {
                earliest = min(earliest, timestamp)
                latest = max(latest, timestamp)
            }
            writes[batch.table] = (earliest, latest)
        }
        state.withLock { state in
            state.lastSequence = max(state.lastSequence, sequence)
            for (table, range) in writes {
                state.writes.append(Write(sequence: sequence, table: table, earliest: range.0, latest: range.1))
            }
            if state.writes.count > maxWrites {
                let dropped = state.writes.count - maxWrites / 2
                state.forgottenThrough = state.writes[dropped - 1].sequence
                state.writes.removeFirst(dropped)
            }
        }
    }

    /// The cached answer for `key`, if still valid.
    public func answer(for key: String) -> Answer? {
        state.withLock { state in
            guard var entry = state.entries[key] else {
                state.misses += 1
                return nil
            }
            guard Self.isValid(entry, state) else {
                state.entries[key] = nil
                state.bytes -= entry.answer.body.count
                state.misses += 1
                return nil
            }
            state.clock += 1
            entry.lastUsed = state.clock
            state.entries[key] = entry
            state.hits += 1
            return entry.answer
        }
    }

    /// Keeps `answer` for `key`; `sequence` is ``currentSequence`` as read before the query ran.
    public func store(_ answer: Answer, for key: String, plan: QueryPlan, sequence: Int64) {
        guard answer.body.count <= maxAnswerBytes else { return }
        state.withLock { state in
            let entry = Entry(answer: answer, tables: plan.tables, window: plan.window, sequence: sequence, lastUsed: 0)
            guard Self.isValid(entry, state) else { return }  // already overtaken by a write
            if let old = state.entries[key] { state.bytes -= old.answer.body.count }
            state.clock += 1
            state.entries[key] = Entry(
                answer: answer, tables: plan.tables, window: plan.window, sequence: sequence, lastUsed: state.clock)
            state.bytes += answer.body.count
            while state.bytes > maxBytes, let oldest = state.entries.min(by: { $0.value.lastUsed < $1.value.lastUsed }) {
                state.entries[oldest.key] = nil
                state.bytes -= oldest.value.answer.body.count
            }
        }
    }

    /// Forgets every answer, and refuses those of queries running now, until the next commit:
    /// for changes to stored rows that are not commits (the archiver deleting days past their
    /// retention), which the per-commit bookkeeping cannot see.
    public func removeAll() {
        state.withLock { state in
            state.entries.removeAll()
            state.bytes = 0
            state.forgottenThrough = max(state.forgottenThrough, state.lastSequence + 1)
        }
    }

    public var statistics: (hits: Int, misses: Int, entries: Int, bytes: Int) {
        state.withLock { ($0.hits, $0.misses, $0.entries.count, $0.bytes) }
    }

    private static func isValid(_ entry: Entry, _ state: State) -> Bool {
        if entry.sequence < state.forgottenThrough { return false }
        for write in state.writes.reversed() {
            guard write.sequence > entry.sequence else { break }
            guard entry.tables.contains(write.table) else { continue }
            guard let window = entry.window else { return false }
            if write.latest >= window.lowerBound && write.earliest < window.upperBound { return false }
        }
        return true
    }
}
