import DuckDB
import Synchronization

/// Prepared statements of the read connections, kept by SQL text so that the queries the
/// server builds (the same few shapes with new parameters) skip DuckDB's parsing, binding,
/// planning and optimizing: about 3 ms of a candles query on this machine.
///
/// The store owns the cache, and a statement keeps its connection alive, so releasing the store
/// releases both. Each connection's statements are used only by the task holding it.
final class StatementCache: Sendable {
    private struct Entry {
        let statement: PreparedStatement
        var lastUsed: UInt64
    }

    private let capacityPerConnection: Int
    private let state = Mutex<(entries: [ObjectIdentifier: [String: Entry]], clock: UInt64)>(([:], 0))

    init(capacityPerConnection: Int = 64) {
        self.capacityPerConnection = capacityPerConnection
    }

    /// The statement for `sql` on `connection`, prepared on first use. Call it with the
    /// connection held, on its thread.
    func statement(_ sql: String, on connection: Connection) throws -> PreparedStatement {
        let key = ObjectIdentifier(connection)
        let cached = state.withLock { state -> PreparedStatement? in
            state.clock += 1
            guard var entry = state.entries[key]?[sql] else { return nil }
            entry.lastUsed = state.clock
            state.entries[key]?[sql] = entry
            return entry.statement
        }
        if let cached { return cached }
        let statement = try connection.prepare(sql)
        state.withLock { state in
            var entries = state.entries[key, default: [:]]
            if entries.count >= capacityPerConnection, let oldest = entries.min(by: { $0.value.lastUsed < $1.value.lastUsed }) {
                entries[oldest.key] = nil
            }
            entries[sql] = Entry(statement: statement, lastUsed: state.clock)
            state.entries[key] = entries
        }
        return statement
    }

    /// Drops every statement (and with them their hold on the connections).
    func removeAll() {
        state.withLock { $0.entries = [:] }
    }
}
