public import DuckDB
import TradewatchCore

/// Writes result rows as JSON objects, JSON arrays, NDJSON lines or CSV records, straight from
/// DuckDB's chunks into a byte buffer: no row or value objects in between, so a large export
/// streams at the speed of the socket with flat memory.
///
/// Timestamps are written as RFC 3339 with nine fraction digits; JSON columns (`labels`,
/// `attributes`) are embedded as JSON in JSON output; NaN and infinities are `null` in JSON.
public struct RowEncoder: Sendable {
    public enum Shape: Sendable {
        /// `{"column": value, …}` per row (NDJSON always uses this).
        case objects
        /// `[value, …]` per row, in column order.
        case arrays
    }

    enum Kind: Sendable {
        case bool, int, uint, double, text, json, timestampNanos, timestamp
    }

    public let columnNames: [String]
    let kinds: [Kind]
    let format: ResultFormat
    let shape: Shape
    /// `"name":` for each column, JSON-escaped once.
    private let keys: [[UInt8]]
    public private(set) var rowCount = 0

    /// Whether the encoder writes a column of `type` itself; other types must be cast to VARCHAR
    /// in SQL first.
    public static func canEncode(_ type: ColumnType) -> Bool { kind(of: type) != nil }

    static func kind(of type: ColumnType) -> Kind? {
        switch type.id {
        case .boolean: .bool
        case .tinyint, .smallint, .integer, .bigint: .int
        case .utinyint, .usmallint, .uinteger, .ubigint: .uint
        case .float, .double, .decimal, .hugeint: .double
        case .varchar, .enumeration: type.name == "JSON" ? .json : .text
        case .timestampNanos: .timestampNanos
        case .timestamp, .timestampWithTimeZone, .timestampMillis, .timestampSeconds: .timestamp
        default: nil
        }
    }

    /// - Throws: ``QueryError`` naming a column of a type the encoder cannot write.
    /// `rowsBefore`: rows already written by an earlier statement of the same answer (JSON then
    /// starts with a comma).
    public init(
        columns: [(name: String, type: ColumnType)], format: ResultFormat, shape: Shape = .objects, rowsBefore: Int = 0
    ) throws {
        rowCount = rowsBefore
        columnNames = columns.map(\.name)
        kinds = try columns.map { column in
            guard let kind = Self.kind(of: column.type) else {
                throw QueryError("column \(column.name) has type \(column.type.name), which cannot be encoded; cast it to VARCHAR")
            }
            return kind
        }
        self.format = format
        self.shape = format == .ndjson ? .objects : shape
        keys = columns.map { column in
            var key: [UInt8] = []
            Self.appendJSONString(column.name, to: &key)
            key.append(UInt8(ascii: ":"))
            return key
        }
    }

    /// The CSV header line (empty for other formats).
    public func header() -> [UInt8] {
        guard format == .csv else { return [] }
        var output: [UInt8] = []
        for (index, name) in columnNames.enumerated() {
            if index > 0 { output.append(UInt8(ascii: ",")) }
            Self.appendCSVField(Array(name.utf8), to: &output)
        }
        output.append(UInt8(ascii: "\n"))
        return output
    }

    /// Appends rows `rows` of `chunk`; in JSON, rows after the first are preceded by a comma.
    public mutating func encode(_ chunk: DataChunk, rows: Range<Int>, into output: inout [UInt8]) throws {
        let columns = try (0..<kinds.count).map { try ChunkColumn(chunk, $0, kinds[$0]) }
        for row in rows {
            if format == .json, rowCount > 0 { output.append(UInt8(ascii: ",")) }
            rowCount += 1
            switch (format, shape) {
            case (.csv, _):
                for index in columns.indices {
                    if index > 0 { output.append(UInt8(ascii: ",")) }
                    columns[index].appendCSV(row, to: &output)
                }
                output.append(UInt8(ascii: "\n"))
            case (_, .arrays):
                output.append(UInt8(ascii: "["))
                for index in columns.indices {
                    if index > 0 { output.append(UInt8(ascii: ",")) }
                    columns[index].appendJSON(row, to: &output)
                }
                output.append(UInt8(ascii: "]"))
            case (_, .objects):
                output.append(UInt8(ascii: "{"))
                for index in columns.indices {
                    if index > 0 { output.append(UInt8(ascii: ",")) }
                    output.append(contentsOf: keys[index])
                    columns[index].appendJSON(row, to: &output)
                }
                output.append(UInt8(ascii: "}"))
                if format == .ndjson { output.append(UInt8(ascii: "\n")) }
            }
        }
    }

    /// Appends `text` as a JSON string literal (quotes, backslashes and control characters escaped).
    public static func appendJSONString(_ text: String, to output: inout [UInt8]) {
        JSONString.append(text, to: &output)
    }

    /// Appends UTF-8 `bytes` as a JSON string literal.
    public static func appendJSONString(_ bytes: UnsafeRawBufferPointer, to output: inout [UInt8]) {
        JSONString.append(bytes, to: &output)
    }

    /// RFC 4180: quoted when the field holds a comma, quote or line break; quotes doubled.
    static func appendCSVField(_ bytes: some Collection<UInt8>, to output: inout [UInt8]) {
        let needsQuotes = bytes.contains { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 10 || $0 == 13 }
        guard needsQuotes else { return output.append(contentsOf: bytes) }
        output.append(UInt8(ascii: "\""))
        for byte in bytes {
            if byte == UInt8(ascii: "\"") { output.append(byte) }
            output.append(byte)
        }
        output.append(UInt8(ascii: "\""))
    }
}

/// One column of a chunk, read with the reader its kind needs.
private enum ChunkColumn {
    case bool(Column<Bool>)
    case int(Column<Int64>)
    case uint(Column<UInt64>)
    case double(Column<Double>)
    case text(Column<TextBytes>, json: Bool)
    case timestampNanos(Column<TimestampNanos>)
    case timestamp(Column<Timestamp>)

    init(_ chunk: DataChunk, _ index: Int, _ kind: RowEncoder.Kind) throws {
        self = switch kind {
        case .bool: .bool(try chunk.column(index))
        case .int: .int(try chunk.column(index))
        case .uint: .uint(try chunk.column(index))
        case .double: .double(try chunk.column(index))
        case .text: .text(try chunk.column(index), json: false)
        case .json: .text(try chunk.column(index), json: true)
        case .timestampNanos: .timestampNanos(try chunk.column(index))
        case .timestamp: .timestamp(try chunk.column(index))
        }
    }

    private static let null = Array("null".utf8)

    func appendJSON(_ row: Int, to output: inout [UInt8]) {
        switch self {
        case .bool(let column):
            guard let value = column[row] else { return output.append(contentsOf: Self.null) }
            output.append(contentsOf: value ? Array("true".utf8) : Array("false".utf8))
        case .int(let column):
            guard let value = column[row] else { return output.append(contentsOf: Self.null) }
            output.append(contentsOf: String(value).utf8)
        case .uint(let column):
            guard let value = column[row] else { return output.append(contentsOf: Self.null) }
            output.append(contentsOf: String(value).utf8)
        case .double(let column):
            guard let value = column[row], value.isFinite else { return output.append(contentsOf: Self.null) }
            output.append(contentsOf: value.description.utf8)
        case .text(let column, let json):
            guard let value = column[row] else { return output.append(contentsOf: Self.null) }
            if json { output.append(contentsOf: value.bytes) } else { RowEncoder.appendJSONString(value.bytes, to: &output) }
        case .timestampNanos(let column):
            guard let value = column[row] else { return output.append(contentsOf: Self.null) }
            output.append(UInt8(ascii: "\""))
            RFC3339.append(nanoseconds: value.nanosecondsSinceEpoch, to: &output)
            output.append(UInt8(ascii: "\""))
        case .timestamp(let column):
            guard let value = column[row] else { return output.append(contentsOf: Self.null) }
            output.append(UInt8(ascii: "\""))
            RFC3339.append(nanoseconds: value.microsecondsSinceEpoch &* 1_000, to: &output)
            output.append(UInt8(ascii: "\""))
        }
    }

    /// NULL is an empty field.
    func appendCSV(_ row: Int, to output: inout [UInt8]) {
        switch self {
        case .bool(let column):
            if let value = column[row] { output.append(contentsOf: value ? Array("true".utf8) : Array("false".utf8)) }
        case .int(let column):
            if let value = column[row] { output.append(contentsOf: String(value).utf8) }
        case .uint(let column):
            if let value = column[row] { output.append(contentsOf: String(value).utf8) }
        case .double(let column):
            if let value = column[row] { output.append(contentsOf: value.description.utf8) }
        case .text(let column, _):
            if let value = column[row] { RowEncoder.appendCSVField(value.bytes, to: &output) }
        case .timestampNanos(let column):
            if let value = column[row] { RFC3339.append(nanoseconds: value.nanosecondsSinceEpoch, to: &output) }
        case .timestamp(let column):
            if let value = column[row] { RFC3339.append(nanoseconds: value.microsecondsSinceEpoch &* 1_000, to: &output) }
        }
    }
}
