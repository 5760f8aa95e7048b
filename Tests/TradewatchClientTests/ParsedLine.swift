import TradewatchCore

/// One line as Tradewatch's own parser reads it: the other half of every encoder round trip.
struct ParsedLine: Equatable {
    var measurement: String
    var tags: [String: String]
    var fields: [String: LineFieldValue]
    var timestamp: Int64

    /// Parses line protocol with `TradewatchCore.LineProtocolParser`; throws its error.
    static func parse(_ bytes: [UInt8]) throws -> [ParsedLine] {
        var lines: [ParsedLine] = []
        try LineProtocolParser(precision: .nanoseconds, defaultTimestamp: -1).parse(bytes) { line in
            var tags: [String: String] = [:]
            for index in 0..<line.tagCount {
                tags[line.string(line.tagKey(index))] = line.string(line.tagValue(index))
            }
            var fields: [String: LineFieldValue] = [:]
            for index in 0..<line.fieldCount {
                fields[line.string(line.fieldKey(index))] = line.fieldValue(index)
            }
            lines.append(
                ParsedLine(
                    measurement: line.string(line.measurement), tags: tags, fields: fields, timestamp: line.timestamp))
        }
        return lines
    }
}
