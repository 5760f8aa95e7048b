public import Hummingbird

/// The request context of Tradewatch's routes: Hummingbird's core storage plus the request's
/// correlation id (set by ``RequestLoggingMiddleware``) and the client's address.
public struct TradewatchRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The id that ties log lines, errors and stored rows of this request together.
    public var correlationID = ""
    /// The client's address, for the access log.
    public let clientAddress: String?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        clientAddress = source.channel.remoteAddress?.ipAddress
    }
}
