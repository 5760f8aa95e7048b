public import Foundation
import Synchronization
import TradewatchStorage

/// The queries running now, for `GET /api/v1/queries` (with DuckDB's progress) and
/// `DELETE /api/v1/queries/{id}`.
public final class RunningQueries: Sendable {
    /// One running query.
    public final class Entry: Sendable {
        public let id: String
        public let sql: String
        public let endpoint: String
        public let correlationID: String
        public let startedAt: Date
        let started: ContinuousClock.Instant
        let lease: ReadLease
        private let cancelled = Atomic(false)

        init(id: String, sql: String, endpoint: String, correlationID: String, lease: ReadLease) {
            self.id = id
            self.sql = sql
            self.endpoint = endpoint
            self.correlationID = correlationID
            self.startedAt = Date()
            self.started = .now
            self.lease = lease
        }

        public var isCancelled: Bool { cancelled.load(ordering: .acquiring) }

        func cancel() { cancelled.store(true, ordering: .releasing) }
    }

    /// What `GET /api/v1/queries` shows of a query.
    public struct Snapshot: Sendable {
        public let id: String
        public let sql: String
        public let endpoint: String
        public let correlationID: String
        public let startedAt: Date
        public let elapsed: Duration
        /// 0…1, or `nil` when DuckDB cannot tell yet.
        public let progress: Double?
    }

    private struct State {
        var next = 1
        var entries: [String: Entry] = [:]
    }

    private let state = Mutex(State())

    public init() {}

    func register(sql: String, endpoint: String, correlationID: String, lease: ReadLease) -> Entry {
        state.withLock { state in
            let entry = Entry(
                id: String(state.next), sql: sql, endpoint: endpoint, correlationID: correlationID, lease: lease)
            state.next += 1
            state.entries[entry.id] = entry
            return entry
        }
    }

    func unregister(_ entry: Entry) {
        _ = state.withLock { $0.entries.removeValue(forKey: entry.id) }
    }

    public var count: Int { state.withLock { $0.entries.count } }

    public func list() -> [Snapshot] {
        let entries = state.withLock { Array($0.entries.values) }
        return entries.sorted { Int($0.id) ?? 0 < Int($1.id) ?? 0 }.map { entry in
            Snapshot(
                id: entry.id, sql: entry.sql, endpoint: entry.endpoint, correlationID: entry.correlationID,
                startedAt: entry.startedAt, elapsed: .now - entry.started,
                progress: entry.lease.connection.progress.map { min(1, max(0, $0.fraction)) })
        }
    }

    /// Cancels query `id`; false when no such query runs. DuckDB forgets an interrupt that
    /// arrives between two statements, so the interrupt is repeated while the query runs.
    public func cancel(_ id: String) -> Bool {
        guard let entry = state.withLock({ $0.entries[id] }) else { return false }
        entry.cancel()
        entry.lease.interrupt()
        Task.detached { [self] in
            for _ in 0..<250 {
                try? await Task.sleep(for: .milliseconds(20))
                guard state.withLock({ $0.entries[id] }) != nil else { return }
                entry.lease.interrupt()
            }
        }
        return true
    }
}
