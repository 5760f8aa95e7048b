public import Logging
import Dispatch
import Synchronization
public import TradewatchCore

/// Fans committed rows out to live clients.
///
/// `publish` runs in the ``LiveFeed``'s task, in commit order. It reads a snapshot of the
/// subscription index, groups each batch's rows once by the indexed columns' values and hands
/// each group to the subscriptions indexed under that value (every row to the table's unfiltered
/// ones), renders each matched row to JSON once, and appends the rows to each interested
/// connection's bounded buffer under that connection's `Mutex`. It never waits on a client:
/// pacing (at most `maxFramesPerSecond` frames per subscription) and frame assembly run in the
/// task that consumes a connection's `frames`.
///
/// Run it as a `Service`: its tick wakes connections whose pacing window has come (without it,
/// each connection sleeps on its own timer), it disconnects stuck clients even when nothing is
/// published, and it ends every connection on graceful shutdown.
public final class LiveHub: Sendable {
    let configuration: LiveConfiguration
    let clock: LiveClock
    let counters = LiveCounters()
    let pacer = LivePacer()
    let logger: Logger
    private let registry = Mutex(LiveHubRegistry())

    public init(
        configuration: LiveConfiguration = .init(), clock: some Clock<Duration> = ContinuousClock(),
        logger: Logger = Logger(label: "tradewatch.live")
    ) {
        self.configuration = configuration
        self.clock = LiveClock(clock)
        self.logger = logger
    }

    /// From the batch writer's onCommit (called in commit order). Never blocks, never waits on a client.
    public func publish(sequence: Int64, batches: [ColumnarBatch]) {
        let index = registry.withLock { $0.index }
        guard !index.isEmpty else { return }
        for batch in batches where batch.rowCount > 0 {
            let table = index[batch.table]
            guard !table.isEmpty else { continue }
            let matches = table.matches(in: batch)
            guard !matches.isEmpty else { continue }
            deliver(matches, of: batch, sequence: sequence)
        }
    }

    private func deliver(_ matches: [(target: LiveTarget, rows: [Int])], of batch: ColumnarBatch, sequence: Int64) {
        // Many subscriptions: two halves side by side, so that the last ones are not served a
        // whole publish after the first (each half renders the rows it needs). A connection's
        // subscriptions all go to the half of its first one, so they queue in match order.
        guard matches.count >= 64 else { return deliver(matches[...], of: batch, sequence: sequence) }
        let middle = matches.count / 2
        let early = Set(matches[..<middle].map(\.target.connectionID))
        var first = matches[..<middle]
        var second: ArraySlice<(target: LiveTarget, rows: [Int])> = []
        for match in matches[middle...] {
            if early.contains(match.target.connectionID) { first.append(match) } else { second.append(match) }
        }
        let halves = [first, second]
        DispatchQueue.concurrentPerform(iterations: 2) { half in
            deliver(halves[half], of: batch, sequence: sequence)
        }
    }

    private func deliver(_ matches: ArraySlice<(target: LiveTarget, rows: [Int])>, of batch: ColumnarBatch, sequence: Int64) {
        // Each row wanted by a rows subscription is rendered once, for all of them, when the
        // first of them is served: subscribers early in the list get their rows without waiting
        // for the rows of every other group to be rendered. Subscriptions that want the same
        // rows share one chunk of them.
        var rendered: LiveRowRenderer.Rendered?
        for (target, rows) in matches {
            if target.route.candles != nil {
                let trades = rows.compactMap { LiveTrade(batch, row: $0) }
                target.outbox.append(subscription: target.subscriptionID, commit: sequence, trades: trades)
                continue
            }
            if rendered == nil { rendered = LiveRowRenderer.Rendered(batch) }
            target.outbox.append(subscription: target.subscriptionID, commit: sequence, rows: rendered!.chunk(rows))
        }
    }

    /// A new client; throws LiveError("too many live connections (limit N)") at the limit.
    public func connect() throws(LiveError) -> LiveConnection {
        let outbox = LiveOutbox(configuration: configuration, clock: clock, pacer: pacer, counters: counters, logger: logger)
        let limit = configuration.maxConnections
        let id = try registry.withLock { (registry: inout LiveHubRegistry) throws(LiveError) -> Int in
            guard !registry.isShutDown else { throw LiveError("the live stream is shutting down") }
            guard registry.connections.count < limit else {
                throw LiveError("too many live connections (limit \(limit))")
            }
            return registry.connect(outbox)
        }
        return LiveConnection(id: id, hub: self, outbox: outbox)
    }

    public var statistics: LiveStatistics {
        let (clients, subscriptions) = registry.withLock { ($0.connections.count, $0.index.count) }
        return LiveStatistics(
            clients: clients, subscriptions: subscriptions, framesSent: counters.framesSent.load(ordering: .relaxed),
            rowsSent: counters.rowsSent.load(ordering: .relaxed), rowsDropped: counters.rowsDropped.load(ordering: .relaxed),
            disconnectedStuck: counters.disconnectedStuck.load(ordering: .relaxed))
    }

    /// Ends every connection (their `frames` streams finish) and refuses new ones: server shutdown.
    public func shutdown() {
        let outboxes = registry.withLock { $0.shutDown() }
        for outbox in outboxes { outbox.finish() }
    }

    /// Disconnects every connection that has been stuck for the timeout.
    func sweepStuck() {
        let outboxes = registry.withLock { Array($0.connections.values) }
        for outbox in outboxes { outbox.checkStuck() }
    }

    // MARK: For LiveConnection

    func register(connectionID: Int, subscriptionID: String, route: LiveRoute) {
        registry.withLock { $0.register(connectionID: connectionID, subscriptionID: subscriptionID, route: route) }
    }

    func unregister(connectionID: Int, subscriptionID: String) {
        registry.withLock { $0.unregister(connectionID: connectionID, subscriptionID: subscriptionID) }
    }

    func disconnect(_ connectionID: Int) {
        registry.withLock { _ = $0.disconnect(connectionID) }
    }
}
