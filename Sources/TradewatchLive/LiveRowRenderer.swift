import TradewatchCore

/// Renders rows of one committed batch as the JSON objects of `rows` frames, reading the batch's
/// column arrays directly: no `ColumnarBatch.Value` per cell, column keys copied rather than
/// escaped again, and one scratch buffer for every row of the batch.
struct LiveRowRenderer {
    private enum Cell {
        case timestamp
        case text(Int)
        case labels(Int)
        case double(Int)
        case integer(Int)
    }

    private let timestamps: [Int64]
    private let texts: [[String?]]
    private let doubles: [[Double?]]
    private let integers: [[Int64?]]
    /// Per column, in table order: where its value lives, and where its key — `{"name":` for the
    /// first column, `,"name":` for the others — lies in `keys`.
    private let cells: [(key: Range<Int>, cell: Cell)]
    /// Every column's key, one after the other: copied without a retain per cell.
    private let keys: [UInt8]

    init(_ batch: ColumnarBatch) {
        timestamps = batch.timestamps
        texts = batch.texts
        doubles = batch.doubles
        integers = batch.integers
        var keys: [UInt8] = []
        var cells: [(key: Range<Int>, cell: Cell)] = []
        for (key, (column, slot)) in zip(LiveJSON.columnKeys[batch.table.ordinal], zip(batch.table.columns, batch.slots)) {
            let start = keys.count
            keys += key
            let cell: Cell = switch slot {
            case .timestamp: .timestamp
            case .text(let slot): column.kind == .labels ? .labels(slot) : .text(slot)
            case .double(let slot): .double(slot)
            case .integer(let slot): .integer(slot)
            }
            cells.append((start..<keys.count, cell))
        }
        self.keys = keys
        self.cells = cells
    }

    /// Appends row `row` as a JSON object keyed by column name (see ``LiveJSON/row(_:_:)``).
    func append(row: Int, to output: inout [UInt8]) {
        var lastTimestamp = LastTimestamp()
        append(row: row, to: &output, lastTimestamp: &lastTimestamp)
    }

    /// The previous row's `ts`, rendered: rows of one request often share it.
    private struct LastTimestamp {
        var nanoseconds: Int64?
        var bytes: [UInt8] = []
    }

    private func append(row: Int, to output: inout [UInt8], lastTimestamp: inout LastTimestamp) {
        keys.withUnsafeBufferPointer { keys in
            for (key, cell) in cells {
                output.append(contentsOf: UnsafeBufferPointer(rebasing: keys[key]))
                append(cell, row: row, to: &output, lastTimestamp: &lastTimestamp)
            }
        }
        output.append(UInt8(ascii: "}"))
    }

    private func append(_ cell: Cell, row: Int, to output: inout [UInt8], lastTimestamp: inout LastTimestamp) {
        switch cell {
        case .timestamp:
            let nanoseconds = timestamps[row]
            if lastTimestamp.nanoseconds != nanoseconds {
                lastTimestamp.bytes.removeAll(keepingCapacity: true)
                lastTimestamp.bytes.append(UInt8(ascii: "\""))
                RFC3339.append(nanoseconds: nanoseconds, to: &lastTimestamp.bytes)
                lastTimestamp.bytes.append(UInt8(ascii: "\""))
                lastTimestamp.nanoseconds = nanoseconds
            }
            output.append(contentsOf: lastTimestamp.bytes)
        case .text(let slot):
            if let text = texts[slot][row] { LiveJSON.appendString(text, to: &output) } else { appendNull(&output) }
        case .labels(let slot):
            if let text = texts[slot][row] { output.append(contentsOf: text.utf8) } else { appendNull(&output) }
        case .double(let slot):
            if let number = doubles[slot][row] { LiveJSON.appendNumber(number, to: &output) } else { appendNull(&output) }
        case .integer(let slot):
            if let number = integers[slot][row] { output.append(contentsOf: String(number).utf8) } else { appendNull(&output) }
        }
    }

    /// A commit's rows rendered as they are first asked for, each once, into one buffer; the
    /// hub asks for one group of subscriptions' rows at a time and hands them over before
    /// rendering the next group's, so the first subscribers need not wait for the whole commit.
    struct Rendered {
        private let renderer: LiveRowRenderer
        /// Every row rendered so far, one after the other.
        private var bytes: [UInt8] = []
        /// Row number → where its object lies in `bytes`; `nil` until rendered.
        private var ranges: [Range<Int>?]
        /// The chunk last built for a list of rows, by the list's first row: subscriptions that
        /// want the same rows (one symbol's) share one chunk.
        private var chunks: [Int: (rows: [Int], chunk: LiveRowChunk)] = [:]
        private var lastTimestamp = LastTimestamp()

        init(_ batch: ColumnarBatch) {
            renderer = LiveRowRenderer(batch)
            ranges = [Range<Int>?](repeating: nil, count: batch.rowCount)
            bytes.reserveCapacity(4096)
        }

        /// Rows `rows` (not empty) as one chunk, in their order.
        mutating func chunk(_ rows: [Int]) -> LiveRowChunk {
            // Equal lists are usually the same array (one group's), compared at once.
            if let cached = chunks[rows[0]], cached.rows == rows { return cached.chunk }
            var size = rows.count
            for row in rows {
                if ranges[row] == nil {
                    let start = bytes.count
                    renderer.append(row: row, to: &bytes, lastTimestamp: &lastTimestamp)
                    ranges[row] = start..<bytes.count
                }
                size += ranges[row]!.count
            }
            var output: [UInt8] = []
            output.reserveCapacity(size)
            var ends: [Int] = []
            ends.reserveCapacity(rows.count)
            bytes.withUnsafeBufferPointer { bytes in
                for row in rows {
                    if !ends.isEmpty { output.append(UInt8(ascii: ",")) }
                    output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[ranges[row]!]))
                    ends.append(output.count)
                }
            }
            let chunk = LiveRowChunk(bytes: output, ends: ends)
            chunks[rows[0]] = (rows, chunk)
            return chunk
        }
    }

    private func appendNull(_ output: inout [UInt8]) {
        output.append(contentsOf: "null".utf8)
    }
}
