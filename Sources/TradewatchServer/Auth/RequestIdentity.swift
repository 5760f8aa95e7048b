import Synchronization

/// The API key a request authenticated with, shared by every copy of the request's context:
/// ``AuthMiddleware`` sets it deep in the middleware chain and ``RequestLoggingMiddleware``,
/// further out, reads it for the access line.
public final class RequestIdentity: Sendable {
    private let key = Mutex<(id: String?, name: String?)>((nil, nil))

    public init() {}

    public var id: String? { key.withLock { $0.id } }
    public var name: String? { key.withLock { $0.name } }

    func set(id: String?) { key.withLock { $0.id = id } }
    func set(name: String?) { key.withLock { $0.name = name } }
}
