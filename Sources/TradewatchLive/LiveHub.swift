public import Logging
import Synchronization
public import TradewatchCore

/// Fans committed rows out to live clients.
///
/// `publish` runs on the batch writer's commit path. It reads a snapshot of the subscription
/// index, matches each row only against the subscriptions indexed under its table and key value
/// (plus the table's unfiltered ones), renders each matched row to JSON once, and appends the
/// rows to each interested connection's bounded buffer under that connection's `Mutex`. It never
/// waits on a client: pacing (at most `maxFramesPerSecond` frames per subscription), frame
/// assembly and timers run in the task that consumes a connection's `frames`.
///
/// Run it as a `Service` to disconnect stuck clients even when nothing is published, and to end
/// every connection on graceful shutdown.
public final class LiveHub: Sendable {
    let configuration: LiveConfiguration
    let clock: LiveClock
    let counters = LiveCounters()
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
            var positions: [Int: Int] = [:]
            var matches: [(target: LiveTarget, rows: [Int])] = []
            for row in 0..<batch.rowCount {
                table.forEachMatch(batch, row: row) { target in
                    if let position = positions[target.serial] {
                        matches[position].rows.append(row)
                    } else {
                        positions[target.serial] = matches.count
                        matches.append((target, [row]))
                    }
                }
            }
            guard !matches.isEmpty else { continue }
            deliver(matches, of: batch, sequence: sequence)
        }
    }

    private func deliver(_ matches: [(target: LiveTarget, rows: [Int])], of batch: ColumnarBatch, sequence: Int64) {
        var rendered = [[UInt8]?](repeating: nil, count: batch.rowCount)
        for (target, rows) in matches {
            if target.route.candles != nil {
                let trades = rows.compactMap { LiveTrade(batch, row: $0) }
                target.outbox.append(subscription: target.subscriptionID, commit: sequence, trades: trades)
                continue
            }
            let json = rows.map { row in
                if let json = rendered[row] { return json }
                let json = LiveJSON.row(batch, row)
                rendered[row] = json
                return json
            }
            target.outbox.append(subscription: target.subscriptionID, commit: sequence, rows: json)
        }
    }

    /// A new client; throws LiveError("too many live connections (limit N)") at the limit.
    public func connect() throws(LiveError) -> LiveConnection {
        let outbox = LiveOutbox(configuration: configuration, clock: clock, counters: counters, logger: logger)
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
