/// Rows for one table, stored column by column in the table's order: the form the batch writer
/// appends and the live stream renders.
public struct ColumnarBatch: Sendable {
    /// Where a column's values live: its kind and its position among columns of that kind.
    public enum Slot: Sendable, Hashable {
        case timestamp
        case text(Int)
        case double(Int)
        case integer(Int)
    }

    public let table: AnalyticsTable
    public let slots: [Slot]
    public private(set) var timestamps: [Int64] = []
    public private(set) var texts: [[String?]]
    public private(set) var doubles: [[Double?]]
    public private(set) var integers: [[Int64?]]
    public var rowCount: Int { timestamps.count }
    /// A rough size in bytes, for the queue's memory bound.
    public private(set) var estimatedBytes = 0

    public init(table: AnalyticsTable) {
        self.table = table
        var slots: [Slot] = []
        var counts = (text: 0, double: 0, integer: 0)
        for spec in table.columns {
            switch spec.kind {
            case .timestamp: slots.append(.timestamp)
            case .text, .labels:
                slots.append(.text(counts.text))
                counts.text += 1
            case .double:
                slots.append(.double(counts.double))
                counts.double += 1
            case .integer:
                slots.append(.integer(counts.integer))
                counts.integer += 1
            }
        }
        self.slots = slots
        texts = Array(repeating: [], count: counts.text)
        doubles = Array(repeating: [], count: counts.double)
        integers = Array(repeating: [], count: counts.integer)
    }

    /// Appends one row; `row` must come from ``RowValues/init(table:)`` for the same table.
    public mutating func append(_ row: RowValues) {
        timestamps.append(row.timestamp)
        estimatedBytes += 8
        for index in texts.indices {
            let value = row.texts[index]
            texts[index].append(value)
            estimatedBytes += 16 + (value?.utf8.count ?? 0)
        }
        for index in doubles.indices { doubles[index].append(row.doubles[index]) }
        for index in integers.indices { integers[index].append(row.integers[index]) }
        estimatedBytes += 9 * (doubles.count + integers.count)
    }

    /// Sets the text column `column` to `value` in every row where it is NULL.
    public mutating func fillMissingText(column: Int, with value: String) {
        guard case .text(let slot) = slots[column] else { return }
        for row in texts[slot].indices where texts[slot][row] == nil {
            texts[slot][row] = value
            estimatedBytes += value.utf8.count
        }
    }

    /// The value at `row` of column `column`, for rendering (live stream, tests).
    public func value(row: Int, column: Int) -> Value {
        switch slots[column] {
        case .timestamp: .timestamp(timestamps[row])
        case .text(let slot): .text(texts[slot][row])
        case .double(let slot): .double(doubles[slot][row])
        case .integer(let slot): .integer(integers[slot][row])
        }
    }

    public enum Value: Sendable, Equatable {
        case timestamp(Int64)
        case text(String?)
        case double(Double?)
        case integer(Int64?)
    }
}

/// One row being built: reused from row to row so that building rows allocates nothing per row.
public struct RowValues: Sendable {
    public let table: AnalyticsTable
    public let slots: [ColumnarBatch.Slot]
    public var timestamp: Int64 = 0
    public var texts: [String?]
    public var doubles: [Double?]
    public var integers: [Int64?]

    public init(table: AnalyticsTable) {
        let layout = ColumnarBatch(table: table)
        self.table = table
        self.slots = layout.slots
        texts = Array(repeating: nil, count: layout.texts.count)
        doubles = Array(repeating: nil, count: layout.doubles.count)
        integers = Array(repeating: nil, count: layout.integers.count)
    }

    /// Back to NULL everywhere, keeping the storage.
    public mutating func reset() {
        timestamp = 0
        for index in texts.indices { texts[index] = nil }
        for index in doubles.indices { doubles[index] = nil }
        for index in integers.indices { integers[index] = nil }
    }

    /// Whether column `column` has a value.
    public func isSet(_ column: Int) -> Bool {
        switch slots[column] {
        case .timestamp: true
        case .text(let slot): texts[slot] != nil
        case .double(let slot): doubles[slot] != nil
        case .integer(let slot): integers[slot] != nil
        }
    }
}
