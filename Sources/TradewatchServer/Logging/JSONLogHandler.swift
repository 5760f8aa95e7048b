public import Logging
import Foundation
import Synchronization
import TradewatchCore

/// A swift-log handler writing one JSON object per line:
/// `{"ts":"2026-01-01T00:00:00.123456Z","level":"info","logger":"tradewatch","message":"…","correlation_id":"abc","metadata":{…}}`.
///
/// `correlation_id` is lifted out of the metadata to the top level (absent when there is none).
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

        var line = "{\"ts\":\"\(Self.timestamp())\",\"level\":\"\(event.level.rawValue)\",\"logger\":"
        LabelsWriter.appendQuoted(label, to: &line)
        line += ",\"message\":"
        LabelsWriter.appendQuoted(event.message.description, to: &line)
        if let correlationID {
            line += ",\"correlation_id\":"
            LabelsWriter.appendQuoted(correlationID.description, to: &line)
        }
        if !merged.isEmpty {
            line += ",\"metadata\":"
            Self.append(.dictionary(merged), to: &line)
        }
        line += "}\n"
        sink.write(line)
    }

    /// RFC 3339 in UTC with microseconds.
    static func timestamp() -> String {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        let nanoseconds = Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_nsec)
        let text = RFC3339.format(nanoseconds: nanoseconds)  // …SS.nnnnnnnnnZ
        return String(text.dropLast(4)) + "Z"
    }

    private static func append(_ value: Logger.Metadata.Value, to line: inout String) {
        switch value {
        case .string(let text): LabelsWriter.appendQuoted(text, to: &line)
        case .stringConvertible(let value): LabelsWriter.appendQuoted(value.description, to: &line)
        case .array(let values):
            line += "["
            for (index, element) in values.enumerated() {
                if index > 0 { line += "," }
                append(element, to: &line)
            }
            line += "]"
        case .dictionary(let entries):
            line += "{"
            for (index, key) in entries.keys.sorted().enumerated() {
                if index > 0 { line += "," }
                LabelsWriter.appendQuoted(key, to: &line)
                line += ":"
                append(entries[key]!, to: &line)
            }
            line += "}"
        }
    }
}

/// Where log lines go: standard output, or a closure (tests).
public final class LogSink: Sendable {
    private let write: @Sendable (String) -> Void

    public init(_ write: @escaping @Sendable (String) -> Void) {
        self.write = write
    }

    func write(_ line: String) { write(line) }

    /// Standard output, one whole line per write so that concurrent lines never interleave.
    public static let standardOutput: LogSink = {
        let lock = Mutex(())
        return LogSink { line in
            lock.withLock { _ in FileHandle.standardOutput.write(Data(line.utf8)) }
        }
    }()
}
