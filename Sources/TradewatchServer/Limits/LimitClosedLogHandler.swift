import Logging

/// The logger Hummingbird handles one connection with: once the server has closed the
/// connection for a limit (idle or read timeout, oversized head), warnings and errors that
/// follow from that close ("Error handling upgrade result" for a connection cut before its
/// first request head) are logged at debug: the limit has been counted and the client told.
struct LimitClosedLogHandler: LogHandler {
    var wrapped: any LogHandler
    let closedByLimit: ClosedByLimit

    var metadataProvider: Logger.MetadataProvider? {
        get { wrapped.metadataProvider }
        set { wrapped.metadataProvider = newValue }
    }

    var metadata: Logger.Metadata {
        get { wrapped.metadata }
        set { wrapped.metadata = newValue }
    }

    var logLevel: Logger.Level {
        get { wrapped.logLevel }
        set { wrapped.logLevel = newValue }
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { wrapped[metadataKey: key] }
        set { wrapped[metadataKey: key] = newValue }
    }

    func log(event: LogEvent) {
        guard event.level >= .warning, closedByLimit.isSet else { return wrapped.log(event: event) }
        guard wrapped.logLevel <= .debug else { return }
        var quieter = event
        quieter.level = .debug
        wrapped.log(event: quieter)
    }
}
