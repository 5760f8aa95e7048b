/// A client message the live stream refuses; answered with `{"op":"error","id":…,"message":…}`
/// and the connection stays open.
struct LiveProtocolError: Error, Sendable, Equatable {
    let message: String
    /// The `id` of the message at fault, when it had a readable one.
    let id: String?

    init(_ message: String, id: String? = nil) {
        self.message = message
        self.id = id
    }
}
