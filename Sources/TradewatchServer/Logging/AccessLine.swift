import Foundation
import Logging

/// The access line of one request, written as bytes straight to the log sink when the server
/// logs JSON to standard output and nothing else (no self logs): the same line
/// ``JSONLogHandler`` would write for `logger.log(level:"request", metadata:)`, without building
/// `Logger.Metadata` values and merging them first. At tens of thousands of requests a second
/// the general path cost about a quarter of the throughput of `/health`.
struct AccessLine {
    var method: String
    var path: String
    var status: Int
    var bytes: Int
    var durationMilliseconds: String
    var client: String
    var error: String?
    var apiKeyID: String?
    var apiKeyName: String?

    /// Writes the line of `logger` (its label and its handler's metadata, e.g. `correlation_id`
    /// and Hummingbird's `hb.request.id`) at `level` to `sink`.
    func write(level: Logger.Level, logger: Logger, to sink: LogSink) {
        let handlerMetadata = logger.handler.metadata
        var correlationID: Logger.Metadata.Value?
        var fields: [(key: String, value: Logger.Metadata.Value)] = [
            ("bytes", .string(String(bytes))), ("client", .string(client)), ("duration_ms", .string(durationMilliseconds)),
            ("method", .string(method)), ("path", .string(path)), ("status", .string(String(status))),
        ]
        fields.reserveCapacity(9 + handlerMetadata.count)
        if let error { fields.append(("error", .string(error))) }
        if let apiKeyID { fields.append(("api_key_id", .string(apiKeyID))) }
        if let apiKeyName { fields.append(("api_key", .string(apiKeyName))) }
        let own = fields.count
        // The handler's metadata, except where the line has its own value for the key (it wins,
        // as the event's metadata does in the general path).
        for entry in handlerMetadata {
            if entry.key == "correlation_id" {
                correlationID = entry.value
            } else if !fields[..<own].contains(where: { $0.key == entry.key }) {
                fields.append(entry)
            }
        }
        fields.sort { $0.key < $1.key }

        let line = JSONLogHandler.line(
            level: level, label: logger.label, message: "request", correlationID: correlationID?.description,
            metadata: fields)
        sink.write(line, urgent: level >= .warning)
    }
}
