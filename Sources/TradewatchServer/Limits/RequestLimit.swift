/// The request limits, as the `limit` label of `tradewatch_request_limit_total` names them.
enum RequestLimit: String, Sendable, CaseIterable {
    case bodySize = "body_size"
    case inflatedSize = "inflated_size"
    case lines
    case lineLength = "line_length"
    case headerSize = "header_size"
    case idleTimeout = "idle_timeout"
    case readTimeout = "read_timeout"
    case maxConnections = "max_connections"
}
