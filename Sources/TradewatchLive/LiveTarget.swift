/// One subscription as the hub's index holds it: where its rows go and which rows it wants.
///
/// A class: `publish` hands targets around for every matching commit, and a class reference
/// costs one retain where the struct's strings, sets and outbox cost several.
final class LiveTarget: Sendable {
    /// Unique across the hub's life: identifies the target when grouping a commit's matches.
    let serial: Int
    let connectionID: Int
    let subscriptionID: String
    let route: LiveRoute
    let outbox: LiveOutbox

    init(serial: Int, connectionID: Int, subscriptionID: String, route: LiveRoute, outbox: LiveOutbox) {
        self.serial = serial
        self.connectionID = connectionID
        self.subscriptionID = subscriptionID
        self.route = route
        self.outbox = outbox
    }
}
