public import Logging
import Synchronization
public import TradewatchCore

/// The server's own log records on their way into the `logs` table (`--self-logs`): a bounded
/// buffer filled by ``SelfLogHandler`` and emptied once a second by ``SelfLogService``.
///
/// Bounded so that logging under load cannot grow memory: records beyond `capacity` between two
/// flushes are counted as dropped, and the count is stored with the next batch. Flushing never
/// logs, so the forwarding cannot feed itself.
public final class SelfLogBuffer: Sendable {
    struct Record {
        let timestamp: Int64
        let level: String
        let message: String
        let correlationID: String?
        let attributes: String?
    }

    private let state = Mutex<(records: [Record], dropped: Int)>(([], 0))
    public let capacity: Int

    public init(capacity: Int = 10_000) {
        self.capacity = capacity
    }

    func append(_ record: Record) {
        state.withLock { state in
            if state.records.count < capacity { state.records.append(record) } else { state.dropped += 1 }
        }
    }

    /// Everything buffered, as rows of the `logs` table; `nil` when empty.
    public func drain() -> ColumnarBatch? {
        let (records, dropped) = state.withLock { state in
            defer { state = ([], 0) }
            return state
        }
        guard !records.isEmpty || dropped > 0 else { return nil }
        var batch = ColumnarBatch(table: .logs)
        var row = RowValues(table: .logs)
        func add(_ record: Record) {
            row.reset()
            row.timestamp = record.timestamp
            row.texts[0] = record.level
            row.texts[1] = "tradewatch"
            row.texts[2] = record.message
            row.texts[3] = record.correlationID
            row.texts[4] = record.attributes
            batch.append(row)
        }
        records.forEach(add)
        if dropped > 0 {
            add(Record(
                timestamp: records.last?.timestamp ?? 0, level: "warning",
                message: "\(dropped) log records were not stored: more than \(capacity) in one second",
                correlationID: nil, attributes: nil))
        }
        return batch
    }
}

/// A swift-log handler that copies records into a ``SelfLogBuffer``.
public struct SelfLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    public var logLevel: Logger.Level = .info
    private let label: String
    private let buffer: SelfLogBuffer

    public init(label: String, buffer: SelfLogBuffer) {
        self.label = label
        self.buffer = buffer
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let (merged, correlation) = event.fields(handlerMetadata: metadata, provider: metadataProvider)
        let correlationID = correlation?.description
        var attributes = LabelsWriter()
        attributes.add("logger", string: label)
        for (key, value) in merged { attributes.add(key, string: value.description) }
        buffer.append(SelfLogBuffer.Record(
            timestamp: IngestController.nowNanoseconds(), level: event.level.rawValue,
            message: event.message.description, correlationID: correlationID, attributes: attributes.result))
    }
}
