import Testing
import TradewatchCore

/// Random points are written out in line protocol, with every escape the format has, and must
/// parse back to what was written.
@Suite struct LineProtocolRoundTripTests {
    /// Characters that need escaping somewhere, plus multi-byte UTF-8.
    static let alphabet: [Character] = ["a", "Z", "0", ",", "=", " ", "\\", "\"", "#", "\t", "é", "🚀"]

    struct Point {
        var measurement: String
        var tags: [(key: String, value: String)]
        var fields: [String: LineFieldValue]
        var fieldOrder: [String]
        var timestamp: Int64
    }

    static func text(_ random: inout LineProtocolTestRandom, maxLength: Int) -> String {
        var text = String((0..<Int.random(in: 1...maxLength, using: &random)).map { _ in alphabet.randomElement(using: &random)! })
        // Line protocol cannot end a name with a backslash (it would escape the separator).
        while text.last == "\\" { text.removeLast() }
        return text.isEmpty ? "x" : text
    }

    static func escape(_ text: String, _ special: Set<Character>) -> String {
        String(text.flatMap { special.contains($0) ? ["\\", $0] : [$0] })
    }

    static func randomPoint(_ random: inout LineProtocolTestRandom) -> Point {
        var measurement = text(&random, maxLength: 8)
        // A leading "#" makes a comment and leading blanks are skipped.
        while let first = measurement.first, first == "#" || first == "\t" { measurement.removeFirst() }
        if measurement.isEmpty { measurement = "m" }
        let tags = (0..<Int.random(in: 0...3, using: &random)).map { index in
            (key: "k\(index)\(text(&random, maxLength: 6))", value: text(&random, maxLength: 6))
        }
        var fields: [String: LineFieldValue] = [:]
        var fieldOrder: [String] = []
        for index in 0..<Int.random(in: 1...4, using: &random) {
            let key = "f\(index)\(text(&random, maxLength: 6))"
            let value: LineFieldValue =
                switch Int.random(in: 0..<5, using: &random) {
                case 0: .float(Double(Int.random(in: -1_000_000...1_000_000, using: &random)) / 1_000)
                case 1: .integer(Int64.random(in: .min ... .max, using: &random))
                case 2: .unsigned(UInt64.random(in: 0 ... .max, using: &random))
                case 3: .boolean(Bool.random(using: &random))
                default: .string(String((0..<Int.random(in: 0...10, using: &random)).map { _ in alphabet.randomElement(using: &random)! }))
                }
            fields[key] = value
            fieldOrder.append(key)
        }
        return Point(
            measurement: measurement, tags: tags, fields: fields, fieldOrder: fieldOrder,
            timestamp: Int64.random(in: -1_000_000_000_000...4_000_000_000_000_000_000, using: &random)
        )
    }

    static func encode(_ point: Point) -> String {
        let keySpecials: Set<Character> = [",", "=", " "]
        var line = escape(point.measurement, [",", " "])
        for tag in point.tags {
            line += "," + escape(tag.key, keySpecials) + "=" + escape(tag.value, keySpecials)
        }
        line += " "
        line += point.fieldOrder.map { key in
            let value =
                switch point.fields[key]! {
                case .float(let value): "\(value)"
                case .integer(let value): "\(value)i"
                case .unsigned(let value): "\(value)u"
                case .boolean(let value): value ? "true" : "F"
                case .string(let value): "\"" + escape(value, ["\"", "\\"]) + "\""
                }
            return escape(key, keySpecials) + "=" + value
        }.joined(separator: ",")
        return line + " \(point.timestamp)"
    }

    @Test func randomPointsParseBackToWhatWasWritten() throws {
        var random = LineProtocolTestRandom(seed: 7)
        let points = (0..<3_000).map { _ in Self.randomPoint(&random) }
        let text = points.enumerated().map { Self.encode($1) + ($0 % 3 == 0 ? "\r\n" : "\n") }.joined()
        let lines = try parseLineProtocol(text)
        try #require(lines.count == points.count)
        for (point, line) in zip(points, lines) {
            #expect(line.measurement == point.measurement)
            #expect(line.tags == point.tags.map { "\($0.key)=\($0.value)" })
            #expect(line.fieldOrder == point.fieldOrder)
            #expect(line.fields == point.fields)
            #expect(line.timestamp == point.timestamp)
        }
    }

    /// Scans read whole words past the end of a line; what follows a line must not change how it
    /// parses, and damaged lines must fail cleanly.
    @Test func damagedLinesParseTheSameAloneAndFollowedByMoreInput() {
        var random = LineProtocolTestRandom(seed: 11)
        let noise: [UInt8] = Array(",= \\\"#\t.-+ie0123456789u".utf8)
        for _ in 0..<3_000 {
            var bytes = Array(Self.encode(Self.randomPoint(&random)).utf8)
            for _ in 0..<Int.random(in: 0...3, using: &random) {
                bytes[Int.random(in: 0..<bytes.count, using: &random)] = noise.randomElement(using: &random)!
            }
            if Bool.random(using: &random) { bytes.removeLast(Int.random(in: 0..<bytes.count, using: &random)) }
            let alone = Self.outcome(bytes)
            let followed = Self.outcome(bytes + Array("\nm f=1\n".utf8))
            #expect(alone == followed, "\(String(decoding: bytes, as: UTF8.self))")
        }
    }

    /// The first line's snapshot, or the error, as text.
    static func outcome(_ bytes: [UInt8]) -> String {
        var first: String?
        do {
            try LineProtocolParser(defaultTimestamp: 0).parse(bytes) { line in
                if first == nil, line.lineNumber == 1 { first = LineProtocolSnapshot(line).description }
            }
            return first ?? "nothing"
        } catch {
            return "\(error)"
        }
    }
}
