public import Hummingbird

/// The request context of Tradewatch's routes: Hummingbird's core storage plus the request's
/// correlation id (set by ``RequestLoggingMiddleware``) and the client's address.
public struct TradewatchRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The id that ties log lines, errors and stored rows of this request together.
    public var correlationID = ""
    /// The client's address, for the access log.
    public let clientAddress: String?
    /// The API key the request authenticated with (set by ``AuthMiddleware``); `nil` when it
    /// came without one (auth optional or off) or the route is open. Kept in ``identity``, which
    /// every copy of this request's context shares, so middleware further out (the access log)
    /// sees it too.
    public var apiKeyID: String? {
        get { identity.id }
        set { identity.set(id: newValue) }
    }
    /// The name of that key.
    public var apiKeyName: String? {
        get { identity.name }
        set { identity.set(name: newValue) }
    }
    /// One per request: created with the context, shared by its copies.
    public let identity = RequestIdentity()

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        clientAddress = source.channel.remoteAddress?.ipAddress
    }
}
