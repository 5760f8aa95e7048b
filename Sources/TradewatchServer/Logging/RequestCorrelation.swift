public import Logging

/// The correlation id of the request whose task is running, so that log lines written inside
/// it by code that has no request logger (stores, the batch writer, libraries) carry it too.
///
/// ``RequestLoggingMiddleware`` binds it around each request; the log handlers take
/// ``metadataProvider`` (the command line bootstraps logging with it).
public enum RequestCorrelation {
    @TaskLocal public static var id: String?

    /// Adds `correlation_id` to every log record written inside a request's task.
    public static let metadataProvider = Logger.MetadataProvider {
        guard let id else { return [:] }
        return ["correlation_id": .string(id)]
    }
}
