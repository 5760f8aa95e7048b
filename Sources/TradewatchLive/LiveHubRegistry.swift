/// The hub's mutable state: open connections, their subscriptions, and the index `publish` reads.
struct LiveHubRegistry: Sendable {
    private(set) var connections: [Int: LiveOutbox] = [:]
    /// Connection → subscription id → its entry in the index.
    private var targets: [Int: [String: LiveTarget]] = [:]
    private(set) var index = LiveSubscriptionIndex()
    private(set) var isShutDown = false
    private var nextConnectionID = 0
    private var nextSerial = 0

    mutating func connect(_ outbox: LiveOutbox) -> Int {
        nextConnectionID += 1
        connections[nextConnectionID] = outbox
        return nextConnectionID
    }

    /// Adds a subscription to the index, unless its connection has already gone.
    mutating func register(connectionID: Int, subscriptionID: String, route: LiveRoute) {
        guard let outbox = connections[connectionID] else { return }
        nextSerial += 1
        let target = LiveTarget(
            serial: nextSerial, connectionID: connectionID, subscriptionID: subscriptionID, route: route, outbox: outbox)
        if let previous = targets[connectionID]?[subscriptionID] { index.remove(previous) }
        targets[connectionID, default: [:]][subscriptionID] = target
        index.insert(target)
    }

    mutating func unregister(connectionID: Int, subscriptionID: String) {
        guard let target = targets[connectionID]?.removeValue(forKey: subscriptionID) else { return }
        index.remove(target)
    }

    /// Forgets a connection and its subscriptions; returns its outbox if it was still open.
    mutating func disconnect(_ connectionID: Int) -> LiveOutbox? {
        for target in (targets.removeValue(forKey: connectionID) ?? [:]).values { index.remove(target) }
        return connections.removeValue(forKey: connectionID)
    }

    /// Forgets everything and refuses new connections; returns the outboxes to finish.
    mutating func shutDown() -> [LiveOutbox] {
        isShutDown = true
        defer {
            connections = [:]
            targets = [:]
            index = LiveSubscriptionIndex()
        }
        return Array(connections.values)
    }
}
