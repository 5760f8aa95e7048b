/// One subscription as the hub's index holds it: where its rows go and which rows it wants.
struct LiveTarget: Sendable {
    /// Unique across the hub's life: identifies the target when grouping a commit's matches.
    let serial: Int
    let connectionID: Int
    let subscriptionID: String
    let route: LiveRoute
    let outbox: LiveOutbox
}
