public import TradewatchCore

/// One value the collector read: a row of the `metrics` table named `system.*` or `process.*`,
/// with at most one label (`cpu`, `device`, `interface`, `path`) telling series of one name apart.
public struct SystemMetric: Sendable, Hashable, CustomStringConvertible {
    public struct Label: Sendable, Hashable {
        public let key: String
        public let value: String
    }

    public let name: String
    public let value: Double
    public let label: Label?

    public init(_ name: String, _ value: Double, label: (key: String, value: String)? = nil) {
        self.name = name
        self.value = value
        self.label = label.map { Label(key: $0.key, value: $0.value) }
    }

    public var description: String {
        label.map { "\(name){\($0.key)=\($0.value)} \(value)" } ?? "\(name) \(value)"
    }

    /// The values as rows of the `metrics` table at `timestamp` (nanoseconds since the epoch).
    /// Non-finite values are left out: the table refuses them.
    public static func batch(_ metrics: [SystemMetric], timestamp: Int64) -> ColumnarBatch {
        var batch = ColumnarBatch(table: .metrics)
        var row = RowValues(table: .metrics)
        guard case .text(let name)? = AnalyticsTable.metrics.columnIndex("name").map({ batch.slots[$0] }),
            case .double(let value)? = AnalyticsTable.metrics.columnIndex("value").map({ batch.slots[$0] }),
            case .text(let labels) = batch.slots[AnalyticsTable.metrics.labelsIndex]
        else { preconditionFailure("the metrics table lost its name, value or labels column") }
        var writer = LabelsWriter()
        for metric in metrics where metric.value.isFinite {
            row.reset()
            row.timestamp = timestamp
            row.texts[name] = metric.name
            row.doubles[value] = metric.value
            if let label = metric.label {
                writer.reset()
                writer.add(label.key, string: label.value)
                row.texts[labels] = writer.result
            }
            batch.append(row)
        }
        return batch
    }
}
