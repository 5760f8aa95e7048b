public import Logging
import Foundation
import TradewatchCore

/// A swift-log handler writing one JSON object per line:
/// `{"ts":"2026-01-01T00:00:00.123456Z","level":"info","logger":"tradewatch","message":"…","correlation_id":"abc","metadata":{…}}`.
///
/// `correlation_id` is lifted out of the metadata to the top level (absent when there is none).
/// Lines are built as bytes (one per request at info, so this is on every request's path) and
/// handed to the sink; lines at warning and above ask the sink to write at once.
public struct JSONLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    public var logLevel: Logger.Level = .info
    private let label: String
    private let sink: LogSink

    /// A handler writing to standard output.
    public init(label: String, metadataProvider: Logger.MetadataProvider? = nil) {
        self.init(label: label, sink: .standardOutput, metadataProvider: metadataProvider)
    }

    public init(label: String, sink: LogSink, metadataProvider: Logger.MetadataProvider? = nil) {
        self.label = label
        self.sink = sink
        self.metadataProvider = metadataProvider
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let (merged, correlationID) = event.fields(handlerMetadata: metadata, provider: metadataProvider)
        let line = Self.line(
            level: event.level, label: label, message: event.message.description,
            correlationID: correlationID?.description, metadata: merged)
        sink.write(line, urgent: event.level >= .warning)
    }

    /// One line: the time now, `level`, `label`, `message`, `correlationID` when there is one and
    /// `metadata` (in the order given; empty: no `metadata` object), ending in a newline.
    static func line(
        level: Logger.Level, label: String, message: String, correlationID: String?,
        metadata: [(key: String, value: Logger.Metadata.Value)]
    ) -> [UInt8] {
        var line: [UInt8] = []
        line.reserveCapacity(384)
        line.append(contentsOf: #"{"ts":""#.utf8)
        appendTimestamp(to: &line)
        line.append(contentsOf: #"","level":""#.utf8)
        line.append(contentsOf: level.rawValue.utf8)
        line.append(contentsOf: #"","logger":"#.utf8)
        appendQuoted(label, to: &line)
        line.append(contentsOf: #","message":"#.utf8)
        appendQuoted(message, to: &line)
        if let correlationID {
            line.append(contentsOf: #","correlation_id":"#.utf8)
            appendQuoted(correlationID, to: &line)
        }
        if !metadata.isEmpty {
            line.append(contentsOf: #","metadata":{"#.utf8)
            for (index, entry) in metadata.enumerated() {
                if index > 0 { line.append(UInt8(ascii: ",")) }
                appendQuoted(entry.key, to: &line)
                line.append(UInt8(ascii: ":"))
                append(entry.value, to: &line)
            }
            line.append(UInt8(ascii: "}"))
        }
        line.append(contentsOf: "}\n".utf8)
        return line
    }

    /// RFC 3339 in UTC with microseconds, as text (tests and other writers).
    static func timestamp() -> String {
        var bytes: [UInt8] = []
        appendTimestamp(to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends the time now in RFC 3339, UTC, with microseconds: `2026-01-01T00:00:00.123456Z`.
    static func appendTimestamp(to line: inout [UInt8]) {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        RFC3339.append(nanoseconds: Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_nsec), to: &line)
        line.removeLast(4)  // …SS.nnnnnnnnnZ → …SS.nnnnnn
        line.append(UInt8(ascii: "Z"))
    }

    static func appendQuoted(_ text: String, to line: inout [UInt8]) {
        JSONString.append(text, to: &line)
    }

    private static func append(_ value: Logger.Metadata.Value, to line: inout [UInt8]) {
        switch value {
        case .string(let text): appendQuoted(text, to: &line)
        case .stringConvertible(let value): appendQuoted(value.description, to: &line)
        case .array(let values):
            line.append(UInt8(ascii: "["))
            for (index, element) in values.enumerated() {
                if index > 0 { line.append(UInt8(ascii: ",")) }
                append(element, to: &line)
            }
            line.append(UInt8(ascii: "]"))
        case .dictionary(let entries):
            line.append(UInt8(ascii: "{"))
            for (index, entry) in entries.sorted(by: { $0.key < $1.key }).enumerated() {
                if index > 0 { line.append(UInt8(ascii: ",")) }
                appendQuoted(entry.key, to: &line)
                line.append(UInt8(ascii: ":"))
                append(entry.value, to: &line)
            }
            line.append(UInt8(ascii: "}"))
        }
    }
}
