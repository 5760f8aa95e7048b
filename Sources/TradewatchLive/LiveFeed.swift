public import Logging
public import ServiceLifecycle
import Synchronization
public import TradewatchCore

/// Hands commits from the batch writer to the hub without making the writer wait: `submit`
/// only queues, and the feed's own task publishes in commit order.
///
/// Matching rows to subscribers and rendering them costs time in proportion to the clients;
/// done inside the commit, it held up every write (at 1,000 clients ingestion fell from about
/// 690,000 to 100,000 rows/s). The queue is bounded in rows: a hub that falls that far behind
/// skips the oldest queued commits (counted, logged) rather than hold memory or ingestion.
public final class LiveFeed: Service, Sendable {
    private struct State {
        var queue: [(sequence: Int64, batches: [ColumnarBatch], rows: Int)] = []
        var head = 0
        var queuedRows = 0
        var waiter: CheckedContinuation<Void, Never>?
        var stopped = false
        var skippedCommits = 0
    }

    private let hub: LiveHub
    private let maxQueuedRows: Int
    private let logger: Logger
    private let state = Mutex(State())

    public init(hub: LiveHub, maxQueuedRows: Int = 2_000_000, logger: Logger) {
        self.hub = hub
        self.maxQueuedRows = maxQueuedRows
        self.logger = logger
    }

    /// Commits skipped because the hub fell behind by more than the bound.
    public var skippedCommits: Int { state.withLock { $0.skippedCommits } }

    /// Queues a commit for the hub; returns at once.
    public func submit(sequence: Int64, batches: [ColumnarBatch]) {
        let rows = batches.reduce(0) { $0 + $1.rowCount }
        guard rows > 0 else { return }
        let (waiter, skipped) = state.withLock { state -> (CheckedContinuation<Void, Never>?, Int) in
            guard !state.stopped else { return (nil, 0) }
            var skipped = 0
            while state.queuedRows + rows > maxQueuedRows, state.head < state.queue.count {
                state.queuedRows -= state.queue[state.head].rows
                state.queue[state.head].batches = []
                state.head += 1
                skipped += 1
            }
            state.skippedCommits += skipped
            state.queue.append((sequence, batches, rows))
            state.queuedRows += rows
            defer { state.waiter = nil }
            return (state.waiter, skipped)
        }
        if skipped > 0 {
            logger.warning(
                "live stream fell behind: commits skipped", metadata: ["skipped": "\(skipped)", "sequence": "\(sequence)"])
        }
        waiter?.resume()
    }

    /// Publishes queued commits in order until graceful shutdown.
    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while let next = await self.next() {
                self.hub.publish(sequence: next.sequence, batches: next.batches)
            }
        }
        state.withLock { $0.stopped = true }
    }

    /// The oldest queued commit, waiting for one; `nil` when cancelled.
    private func next() async -> (sequence: Int64, batches: [ColumnarBatch])? {
        while !Task.isCancelled {
            let item = state.withLock { state -> (sequence: Int64, batches: [ColumnarBatch])? in
                guard state.head < state.queue.count else { return nil }
                let item = state.queue[state.head]
                state.queue[state.head].batches = []
                state.head += 1
                state.queuedRows -= item.rows
                if state.head == state.queue.count {
                    state.queue.removeAll(keepingCapacity: true)
                    state.head = 0
                } else if state.head > 1024 {
                    state.queue.removeFirst(state.head)
                    state.head = 0
                }
                return (item.sequence, item.batches)
            }
            if let item { return item }
            await withTaskCancellationHandler {
                await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                    let resumeNow = state.withLock { state -> Bool in
                        if state.head < state.queue.count || Task.isCancelled { return true }
                        state.waiter = continuation
                        return false
                    }
                    if resumeNow { continuation.resume() }
                }
            } onCancel: {
                let waiter = state.withLock { state in
                    defer { state.waiter = nil }
                    return state.waiter
                }
                waiter?.resume()
            }
        }
        return nil
    }
}
