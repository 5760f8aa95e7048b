public import Foundation
public import TradewatchCore

/// Decodes `{"<table>": [ {…}, … ]}` bodies of the JSON ingest endpoints into rows.
///
/// Each item is an object keyed by column name; `ts` is an RFC 3339 string or epoch nanoseconds
/// (a JSON integer or a string of digits). Keys that are not columns, and a `labels` (or, for logs,
/// `attributes`) object, go to the labels column: nothing is dropped. The first problem throws
/// ``IngestError/invalid(_:)`` naming the item and field, e.g. `trades[3].price: must be a finite
/// number, got a string`.
public enum JSONIngestDecoder {
    public static func decode(_ body: Data, table: AnalyticsTable) throws -> ColumnarBatch {
        let document: JSONValue
        do {
            document = try JSONDecoder().decode(JSONValue.self, from: body)
        } catch {
            throw IngestError.invalid(describe(error))
        }
        if let (path, key) = JSONRepeatedKeys.first(in: body) {
            throw IngestError.invalid("\(path.isEmpty ? "" : "\(path): ")the key \"\(key)\" is given twice")
        }
        guard case .object(let members) = document else {
            throw IngestError.invalid("the body must be a JSON object {\"\(table.rawValue)\": [ … ]}, got \(document.kindName)")
        }
        guard let list = members.first(where: { $0.0 == table.rawValue })?.1 else {
            throw IngestError.invalid("the body has no \"\(table.rawValue)\" array")
        }
        guard case .array(let items) = list else {
            throw IngestError.invalid("\(table.rawValue) must be an array, got \(list.kindName)")
        }
        var batch = ColumnarBatch(table: table)
        var row = RowValues(table: table)
        var labels = LabelsWriter()
        let columns = table.columns
        let labelsName = columns[table.labelsIndex].name
        for (position, item) in items.enumerated() {
            let path = "\(table.rawValue)[\(position)]"
            guard case .object(let fields) = item else {
                throw IngestError.invalid("\(path): must be an object, got \(item.kindName)")
            }
            row.reset()
            labels.reset()
            var hasTimestamp = false
            for (key, value) in fields {
                if key == "ts" {
                    row.timestamp = try timestamp(value, at: "\(path).ts")
                    hasTimestamp = true
                } else if key == labelsName {
                    switch value {
                    case .null: break
                    case .object(let entries): for (name, entry) in entries { labels.add(name, json: entry.encoded) }
                    default: throw IngestError.invalid("\(path).\(key): must be an object, got \(value.kindName)")
                    }
                } else if let column = table.columnIndex(key) {
                    try set(value, column: column, spec: columns[column], row: &row, at: "\(path).\(key)")
                } else {
                    labels.add(key, json: value.encoded)
                }
            }
            guard hasTimestamp else { throw IngestError.invalid("\(path).ts: required") }
            for (index, spec) in columns.enumerated() where spec.required && spec.kind != .timestamp && !row.isSet(index) {
                throw IngestError.invalid("\(path).\(spec.name): required")
            }
            if let inconsistency = row.inconsistency { throw IngestError.invalid("\(path): \(inconsistency)") }
            if case .text(let slot) = row.slots[table.labelsIndex] { row.texts[slot] = labels.result }
            batch.append(row)
        }
        return batch
    }

    private static func set(_ value: JSONValue, column: Int, spec: ColumnSpec, row: inout RowValues, at path: String) throws {
        if case .null = value {
            guard !spec.required else { throw IngestError.invalid("\(path): required, got null") }
            return
        }
        switch row.slots[column] {
        case .text(let slot):
            guard case .string(let text) = value else {
                throw IngestError.invalid("\(path): must be a string, got \(value.kindName)")
            }
            guard !(spec.required && text.isEmpty) else { throw IngestError.invalid("\(path): must not be empty") }
            row.texts[slot] = text
        case .double(let slot):
            let number: Double
            switch value {
            case .double(let v): number = v
            case .integer(let v): number = Double(v)
            default: throw IngestError.invalid("\(path): must be a finite number, got \(value.kindName)")
            }
            guard number.isFinite else { throw IngestError.invalid("\(path): must be a finite number") }
            guard !(spec.nonNegative && number < 0) else {
                throw IngestError.invalid("\(path): must not be negative, got \(number)")
            }
            row.doubles[slot] = number
        case .integer(let slot):
            guard case .integer(let number) = value else {
                throw IngestError.invalid("\(path): must be an integer, got \(value.kindName)")
            }
            guard !(spec.nonNegative && number < 0) else {
                throw IngestError.invalid("\(path): must not be negative, got \(number)")
            }
            row.integers[slot] = number
        case .timestamp:
            row.timestamp = try timestamp(value, at: path)
        }
    }

    private static func timestamp(_ value: JSONValue, at path: String) throws -> Int64 {
        switch value {
        case .integer(let nanoseconds):
            return nanoseconds
        case .string(let text):
            if let nanoseconds = RFC3339.nanoseconds(text) { return nanoseconds }
            if RFC3339.isOutOfRange(text) {
                throw IngestError.invalid("\(path): \"\(text.prefix(40))\" is out of range: timestamps run from \(RFC3339.range)")
            }
            if !text.isEmpty, text.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "-") }), let nanoseconds = Int64(text) {
                return nanoseconds
            }
            throw IngestError.invalid(
                "\(path): cannot parse \"\(text.prefix(40))\" as a timestamp; use RFC 3339 (2026-01-01T00:00:00.123456789Z) or epoch nanoseconds")
        default:
            throw IngestError.invalid("\(path): must be an RFC 3339 string or epoch nanoseconds, got \(value.kindName)")
        }
    }

    private static func describe(_ error: any Error) -> String {
        guard let decoding = error as? DecodingError else { return "the body is not valid JSON: \(error)" }
        switch decoding {
        case .dataCorrupted(let context):
            let underlying = (context.underlyingError as NSError?)?.userInfo[NSDebugDescriptionErrorKey] as? String
            return "the body is not valid JSON: \(underlying ?? context.debugDescription)"
        case .typeMismatch(_, let context) where !context.codingPath.isEmpty:
            // JSONValue tries every JSON type in turn; only a number that neither a 64-bit
            // integer nor a 64-bit float holds (1e400) fails them all.
            return "\(path(context.codingPath)): the number is out of range (a 64-bit float holds up to about ±1.8e308)"
        default:
            return "the body is not valid JSON: \(decoding)"
        }
    }

    /// `trades[1].price` for the coding path of that value.
    private static func path(_ codingPath: [any CodingKey]) -> String {
        path(codingPath.map { key in key.intValue.map(PathStep.index) ?? .key(key.stringValue) })
    }

    /// One step into a JSON document: an array element or an object member.
    enum PathStep {
        case index(Int)
        case key(String)
    }

    /// How refusals name a value: `trades[1].price`, `trades[0].labels`.
    static func path(_ steps: some Sequence<PathStep>) -> String {
        steps.reduce(into: "") { text, step in
            switch step {
            case .index(let index): text += "[\(index)]"
            case .key(let key): text += (text.isEmpty ? "" : ".") + key
            }
        }
    }
}
