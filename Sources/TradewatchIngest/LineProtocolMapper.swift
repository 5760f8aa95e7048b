import Foundation
public import TradewatchCore

/// Turns line protocol into rows of the analytics tables.
///
/// Measurements named like a typed table (`trades`, `quotes`, `candles`, `executions`,
/// `performance`, `logs`) fill that table: tags and fields by column name, everything else kept in
/// its labels (attributes for logs). Any other measurement goes to `metrics` in long form: one row
/// per numeric field named `measurement.field` (just `measurement` for a field called `value`),
/// the `symbol` tag in its column, other tags and non-numeric fields as labels. Any problem throws
/// ``IngestError/invalid(_:)`` naming the line, so that a request is stored whole or not at all.
public struct LineProtocolMapper {
    /// The rows mapped so far, by table.
    public var batches: [AnalyticsTable: ColumnarBatch] {
        Dictionary(uniqueKeysWithValues: filled.filter { $0.rowCount > 0 }.map { ($0.table, $0) })
    }
    /// Batches being filled, by ``AnalyticsTable/ordinal``: no hashing per row, and no optional
    /// to unwrap (which copied the whole batch for every row).
    private var filled = AnalyticsTable.allCases.map { ColumnarBatch(table: $0) }
    /// The last line's measurement as written, and what it named: lines of a request mostly
    /// share it, so it is compared byte by byte instead of made a string and looked up each time.
    private var lastMeasurement: [UInt8] = []
    private var lastMeasurementName = ""
    private var lastMeasurementTable: AnalyticsTable?
    /// One reusable row per table, indexed by ``AnalyticsTable/ordinal``.
    private var rows = [RowValues?](repeating: nil, count: AnalyticsTable.allCases.count)
    private var labels = LabelsWriter()
    /// Column positions of each typed table by name, looked up once.
    private static let typedTables: [String: AnalyticsTable] = Dictionary(
        uniqueKeysWithValues: AnalyticsTable.allCases.filter { $0 != .metrics }.map { ($0.rawValue, $0) })
    /// Metric names by measurement and field, so that repeated lines build no new string.
    private var metricNames: [String: [String: String]] = [:]

    public init() {}

    public var rowCount: Int { filled.reduce(0) { $0 + $1.rowCount } }

    /// Parses `input` and maps every line; throws at the first problem.
    public mutating func map(_ input: UnsafeRawBufferPointer, precision: TimestampPrecision, receivedAt: Int64) throws {
        let parser = LineProtocolParser(precision: precision, defaultTimestamp: receivedAt)
        do {
            try parser.parse(input) { line in try self.add(line) }
        } catch let error as LineProtocolError {
            throw IngestError.invalid(error.description)
        }
    }

    private mutating func add(_ line: borrowing LineView) throws {
        let token = line.measurement
        let same = !token.isEscaped && line.withRawBytes(token) { raw in
            raw.count > 0 && raw.count == lastMeasurement.count
                && lastMeasurement.withUnsafeBytes { memcmp($0.baseAddress!, raw.baseAddress!, raw.count) == 0 }
        }
        if !same {
            lastMeasurementName = line.string(token)
            lastMeasurementTable = Self.typedTables[lastMeasurementName]
            // An escaped name is compared as text next time (never equal to its raw bytes).
            lastMeasurement = token.isEscaped ? [] : line.withRawBytes(token) { Array($0) }
        }
        try checkKeys(line, typed: lastMeasurementTable != nil)
        if let table = lastMeasurementTable {
            try addTyped(line, table: table)
        } else {
            try addMetrics(line, measurement: lastMeasurementName)
        }
    }

    /// Refuses a line whose keys would make its row ambiguous: a tag key given twice, or a key
    /// that is both a tag and a field where both would land in the same place (a typed table's
    /// column or labels; a metric's labels, for a string field). A field key given twice keeps
    /// its last value, as InfluxDB does (the parser's rule).
    private func checkKeys(_ line: borrowing LineView, typed: Bool) throws {
        let tagCount = line.tagCount
        guard tagCount > 0 else { return }
        for index in 1..<tagCount {
            let key = line.tagKey(index)
            for earlier in 0..<index where line.token(key, equals: line.tagKey(earlier)) {
                throw problem(line, "tag \(line.string(key)) is given twice; a tag key may appear once in a line")
            }
        }
        for field in 0..<line.fieldCount {
            // A metric's numeric fields become rows of their own; only string fields are labels.
            if !typed, line.stringFieldToken(field) == nil { continue }
            let key = line.fieldKey(field)
            for tag in 0..<tagCount where line.token(key, equals: line.tagKey(tag)) {
                throw problem(
                    line,
                    "\(line.string(key)) is both a tag and a field; "
                        + (typed ? "both would set the same value of the row" : "both would be the same label of the metric"))
            }
        }
    }

    private mutating func append(_ row: RowValues, to table: AnalyticsTable) {
        filled[table.ordinal].append(row)
    }

    /// Names (as UTF-8) of each table's columns, labels and `ts` excluded, by table ordinal.
    private static let columnNames: [[(name: [UInt8], index: Int)]] = AnalyticsTable.allCases.map { table in
        table.columns.enumerated().compactMap { index, spec in
            index > 0 && spec.kind != .labels ? (Array(spec.name.utf8), index) : nil
        }
    }

    /// The column a tag or field key names, compared byte by byte (no string is made).
    private static func column(named key: LineToken, in line: borrowing LineView, table: AnalyticsTable) -> Int? {
        guard !key.isEscaped else {
            // Column names have no characters that need escaping; compare the unescaped text.
            let text = line.string(key)
            return columnNames[table.ordinal].first { $0.name.elementsEqual(text.utf8) }?.index
        }
        return line.withRawBytes(key) { raw in
            for candidate in columnNames[table.ordinal] where candidate.name.count == raw.count {
                if candidate.name.withUnsafeBytes({ memcmp($0.baseAddress!, raw.baseAddress!, raw.count) == 0 }) {
                    return candidate.index
                }
            }
            return nil
        }
    }

    private func problem(_ line: borrowing LineView, _ message: String) -> IngestError {
        .invalid("line \(line.lineNumber): \(message)")
    }

    private mutating func addTyped(_ line: borrowing LineView, table: AnalyticsTable) throws {
        // Taken out of the array so that it is uniquely owned and mutated in place.
        var row = rows[table.ordinal].take() ?? RowValues(table: table)
        defer { rows[table.ordinal] = row }
        row.reset()
        labels.reset()
        let columns = table.columns
        row.timestamp = line.timestamp
        for index in 0..<line.tagCount {
            let keyToken = line.tagKey(index)
            let value = line.string(line.tagValue(index))
            if let column = Self.column(named: keyToken, in: line, table: table) {
                guard case .text(let slot) = row.slots[column] else {
                    throw problem(line, "tag \(line.string(keyToken)) of \(table.rawValue) must be a field: the column holds numbers")
                }
                row.texts[slot] = value
            } else {
                labels.add(line.string(keyToken), string: value)
            }
        }
        for index in 0..<line.fieldCount {
            let keyToken = line.fieldKey(index)
            let value = line.fieldValue(index)
            guard let column = Self.column(named: keyToken, in: line, table: table) else {
                let key = line.string(keyToken)
                switch value {
                case .float(let number): labels.add(key, number: number)
                case .integer(let number): labels.add(key, integer: number)
                case .unsigned(let number): labels.add(key, unsigned: number)
                case .string(let text): labels.add(key, string: text)
                case .boolean(let flag): labels.add(key, bool: flag)
                }
                continue
            }
            let spec = columns[column]
            let key = spec.name
            switch (row.slots[column], value) {
            case (.text(let slot), .string(let text)):
                row.texts[slot] = text
            case (.double(let slot), .float(let number)):
                row.doubles[slot] = number
            case (.double(let slot), .integer(let number)):
                row.doubles[slot] = Double(number)
            case (.double(let slot), .unsigned(let number)):
                row.doubles[slot] = Double(number)
            case (.integer(let slot), .integer(let number)):
                row.integers[slot] = number
            case (.integer(let slot), .unsigned(let number)):
                guard let signed = Int64(exactly: number) else {
                    throw problem(line, "field \(key)=\(number)u is too large for \(table.rawValue).\(key)")
                }
                row.integers[slot] = signed
            default:
                throw problem(line, "field \(key) of \(table.rawValue) must be \(Self.expected(spec.kind)), got \(Self.describe(value))")
            }
            if spec.nonNegative, Self.isNegative(value) {
                throw problem(line, "field \(key) of \(table.rawValue) must not be negative, got \(Self.describe(value))")
            }
        }
        for (index, spec) in columns.enumerated() where spec.required && !row.isSet(index) {
            throw problem(line, "\(table.rawValue) needs \(spec.kind == .text ? "tag or field" : "field") \(spec.name)")
        }
        if let inconsistency = row.inconsistency { throw problem(line, "\(table.rawValue): \(inconsistency)") }
        if case .text(let slot) = row.slots[table.labelsIndex] { row.texts[slot] = labels.result }
        append(row, to: table)
    }

    private mutating func addMetrics(_ line: borrowing LineView, measurement: String) throws {
        var row = rows[AnalyticsTable.metrics.ordinal].take() ?? RowValues(table: .metrics)
        defer { rows[AnalyticsTable.metrics.ordinal] = row }
        labels.reset()
        var symbol: String?
        for index in 0..<line.tagCount {
            let key = line.string(line.tagKey(index))
            let value = line.string(line.tagValue(index))
            if key == "symbol" { symbol = value } else { labels.add(key, string: value) }
        }
        var numeric = 0
        for index in 0..<line.fieldCount {
            switch line.fieldValue(index) {
            case .string(let text): labels.add(line.string(line.fieldKey(index)), string: text)
            default: numeric += 1
            }
        }
        guard numeric > 0 else {
            throw problem(line, "measurement \(measurement) has no numeric field; a metric needs one (send text to the logs measurement)")
        }
        let labelsJSON = labels.result
        for index in 0..<line.fieldCount {
            let number: Double
            switch line.fieldValue(index) {
            case .float(let value): number = value
            case .integer(let value): number = Double(value)
            case .unsigned(let value): number = Double(value)
            case .boolean(let value): number = value ? 1 : 0
            case .string: continue
            }
            let field = line.string(line.fieldKey(index))
            row.reset()
            row.timestamp = line.timestamp
            row.texts[0] = metricName(measurement: measurement, field: field)
            row.texts[1] = symbol
            row.doubles[0] = number
            row.texts[2] = labelsJSON
            append(row, to: .metrics)
        }
    }

    private mutating func metricName(measurement: String, field: String) -> String {
        if let name = metricNames[measurement]?[field] { return name }
        let name = field == "value" ? measurement : "\(measurement).\(field)"
        metricNames[measurement, default: [:]][field] = name
        return name
    }

    private static func expected(_ kind: ColumnSpec.Kind) -> String {
        switch kind {
        case .double: "a number"
        case .integer: "an integer (for example 120i)"
        case .text, .labels: "a string"
        case .timestamp: "a timestamp"
        }
    }

    static func describe(_ value: LineFieldValue) -> String {
        switch value {
        case .float(let number): "the float \(number)"
        case .integer(let number): "the integer \(number)i"
        case .unsigned(let number): "the unsigned integer \(number)u"
        case .string(let text): "the string \"\(text.prefix(40))\""
        case .boolean(let flag): "the boolean \(flag)"
        }
    }

    private static func isNegative(_ value: LineFieldValue) -> Bool {
        switch value {
        case .float(let number): number < 0
        case .integer(let number): number < 0
        default: false
        }
    }
}
