/// One live client: its subscriptions and its outbound frames.
public final class LiveConnection: Sendable {
    let id: Int
    private let hub: LiveHub
    private let outbox: LiveOutbox

    /// The outbound text frames (UTF-8 JSON), in order, for one consumer. Finishes when the
    /// connection closes, the hub shuts down, or the connection is disconnected for being stuck
    /// (then the last frame is `{"op":"error","message":"…disconnected: could not keep up for 30 s"}`).
    /// The consuming task does the pacing: it waits for a subscription's next frame window.
    public let frames: AsyncStream<[UInt8]>

    init(id: Int, hub: LiveHub, outbox: LiveOutbox) {
        self.id = id
        self.hub = hub
        self.outbox = outbox
        frames = AsyncStream(unfolding: { await outbox.next() }, onCancel: { outbox.finish() })
    }

    deinit { close() }

    /// Starts a subscription. With `hold`, its live rows (and candle bars) are held (buffered, not
    /// sent) until ``releaseHold(id:replayedThrough:)``, so the caller can first replay from the
    /// stores what the client missed.
    ///
    /// Throws for a duplicate id, too many subscriptions, an unknown or non-text filter column, a
    /// candles subscription without one symbol or an interval, or an interval on another table.
    public func subscribe(_ subscription: LiveSubscription, hold: Bool = false) throws(LiveError) {
        let route = try LiveRoute(subscription)
        let candles = route.candles.map { LiveCandleBuilder(symbol: $0.symbol, interval: $0.interval) }
        try outbox.subscribe(id: subscription.id, holding: hold, candles: candles)
        hub.register(connectionID: id, subscriptionID: subscription.id, route: route)
    }

    /// Sends the held rows of commits after `sequence` (drops those at or before it: the replay
    /// covered them), then goes live. Rows dropped from a full hold after the boundary are reported
    /// as `lagged`. Does nothing for a subscription that is not held.
    public func releaseHold(id: String, replayedThrough sequence: Int64) {
        outbox.releaseHold(id: id, replayedThrough: sequence)
    }

    /// Ends a subscription; what it still had queued is dropped. Throws for an unknown id.
    public func unsubscribe(id subscriptionID: String) throws(LiveError) {
        try outbox.unsubscribe(id: subscriptionID)
        hub.unregister(connectionID: id, subscriptionID: subscriptionID)
    }

    /// Queues a frame built elsewhere (replies, errors, snapshot, replay rows), in order with the
    /// live frames (rows still pending are sent before it); counts as one row against the buffer.
    public func send(_ frame: [UInt8]) {
        outbox.send(frame)
    }

    /// Ends the connection: its subscriptions stop, `frames` finishes.
    public func close() {
        hub.disconnect(id)
        outbox.finish()
    }
}
