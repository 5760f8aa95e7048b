import Foundation

/// Keeps the block-cache trim (``AnalyticsStore/trimBlockCache(_:)``) apart from queries.
///
/// The trim lowers DuckDB's memory limit for a moment; a query that allocated in that moment
/// (a sort of ten million rows, seen in the export test) was refused for lack of memory. So every
/// piece of DuckDB work on a reader or the upkeep connection runs inside ``whileQuerying(_:)``,
/// and the trim runs through ``ifIdle(_:)``: only when no such work is running, holding new work
/// back (a few milliseconds) until it is done. Under a steady query load the trim is skipped and
/// tried again after the next checkpoint. Both are called on blocking threads, never on Swift's
/// cooperative pool.
///
/// Thread safety: `running` and `trimming` are read and written only with `condition` locked.
final class QueryGate: @unchecked Sendable {
    private let condition = NSCondition()
    private var running = 0
    private var trimming = false

    /// Runs `body` as DuckDB work that the trim must not overlap; waits while a trim runs.
    func whileQuerying<T>(_ body: () throws -> T) rethrows -> T {
        condition.lock()
        while trimming { condition.wait() }
        running += 1
        condition.unlock()
        defer {
            condition.lock()
            running -= 1
            condition.unlock()
        }
        return try body()
    }

    /// Runs `body` when no query runs, keeping new ones out until it returns; returns nil, without
    /// running it, when a query is running.
    func ifIdle<T>(_ body: () throws -> T) rethrows -> T? {
        condition.lock()
        guard running == 0, !trimming else {
            condition.unlock()
            return nil
        }
        trimming = true
        condition.unlock()
        defer {
            condition.lock()
            trimming = false
            condition.broadcast()
            condition.unlock()
        }
        return try body()
    }
}
