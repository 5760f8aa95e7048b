import TradewatchCore

/// The query-string parameters of a request, read by name with clear errors.
///
/// Every parameter a handler reads is remembered, so that ``rejectUnknown(besides:)`` can refuse
/// a misspelt one (`symbl=…`) instead of silently ignoring it. Labels are given as
/// `label.<key>=<value>` (repeatable).
public struct QueryParameters: Sendable {
    public private(set) var pairs: [(name: String, value: String)]
    private var read: Set<String> = []

    public init(_ pairs: [(name: String, value: String)]) {
        self.pairs = pairs
    }

    /// Parses a URL query string (`a=1&b=x%20y`), decoding percent escapes and `+`.
    public init(query: String) {
        self.init(query.split(separator: "&", omittingEmptySubsequences: true).map { part in
            let pieces = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = Self.decode(pieces[0])
            let value = pieces.count > 1 ? Self.decode(pieces[1]) : ""
            return (name, value)
        })
    }

    private static func decode(_ text: Substring) -> String {
        guard text.utf8.contains(where: { $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "%") }) else { return String(text) }
        var bytes: [UInt8] = []
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            switch byte {
            case UInt8(ascii: "+"): bytes.append(UInt8(ascii: " "))
            case UInt8(ascii: "%"):
                let high = iterator.next().flatMap(hexValue)
                let low = iterator.next().flatMap(hexValue)
                if let high, let low { bytes.append(high << 4 | low) } else { bytes.append(byte) }
            default: bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// The value of `name`, or `nil` when absent. An empty value counts as absent.
    /// - Throws: when `name` is given more than once.
    public mutating func string(_ name: String) throws -> String? {
        read.insert(name)
        let values = pairs.filter { $0.name == name }.map(\.value)
        guard values.count <= 1 else {
            throw QueryError("parameter \(name) is given \(values.count) times; give it once", parameter: name)
        }
        guard let value = values.first, !value.isEmpty else { return nil }
        return value
    }

    /// The value of `name`; throws when absent.
    public mutating func required(_ name: String) throws -> String {
        guard let value = try string(name) else {
            throw QueryError("parameter \(name) is required", parameter: name)
        }
        return value
    }

    /// Every value of `name`, whether repeated (`a=1&a=2`) or comma-separated (`a=1,2`).
    public mutating func list(_ name: String) -> [String] {
        read.insert(name)
        return pairs.filter { $0.name == name }
            .flatMap { $0.value.split(separator: ",").map { $0.trimmingWhitespace() } }
            .filter { !$0.isEmpty }
    }

    /// An integer parameter within `range`.
    public mutating func integer(_ name: String, in range: ClosedRange<Int>) throws -> Int? {
        guard let text = try string(name) else { return nil }
        guard let value = Int(text) else {
            throw QueryError("parameter \(name) must be an integer, not \"\(text)\"", parameter: name)
        }
        guard range.contains(value) else {
            throw QueryError(
                "parameter \(name) must be between \(range.lowerBound) and \(range.upperBound), not \(value)", parameter: name)
        }
        return value
    }

    /// A time: RFC 3339 (`2026-11-29T10:00:00.123Z`) or integer nanoseconds since the epoch.
    public mutating func time(_ name: String) throws -> Int64? {
        guard let text = try string(name) else { return nil }
        if let nanoseconds = Int64(text) { return nanoseconds }
        if let nanoseconds = RFC3339.nanoseconds(text) { return nanoseconds }
        throw QueryError(
            "parameter \(name) must be an RFC 3339 time (2026-01-02T15:04:05.123Z) or integer nanoseconds since the epoch, not \"\(text)\"",
            parameter: name)
    }

    /// `start` and `end` as a half-open range. `start` defaults to `defaultSpan` before `end`,
    /// `end` to `now`.
    public mutating func timeRange(now: Int64, defaultSpan: Int64) throws -> Range<Int64> {
        let end = try time("end") ?? now
        let start = try time("start") ?? (end &- defaultSpan)
        guard start < end else {
            throw QueryError(
                "start (\(RFC3339.format(nanoseconds: start))) must be before end (\(RFC3339.format(nanoseconds: end)))",
                parameter: "start")
        }
        return start..<end
    }

    /// `label.<key>=<value>` filters, sorted by key.
    public mutating func labels() throws -> [(key: String, value: String)] {
        var labels: [(key: String, value: String)] = []
        for pair in pairs where pair.name.hasPrefix("label.") {
            read.insert(pair.name)
            let key = String(pair.name.dropFirst("label.".count))
            guard !key.isEmpty else { throw QueryError("label filter needs a key: label.<key>=<value>", parameter: pair.name) }
            labels.append((key, pair.value))
        }
        return labels.sorted { $0.key < $1.key }
    }

    /// One of `choices`, or `defaultValue` when absent.
    public mutating func choice(_ name: String, of choices: [String], default defaultValue: String) throws -> String {
        guard let value = try string(name) else { return defaultValue }
        guard choices.contains(value) else {
            throw QueryError(
                "parameter \(name) must be one of \(choices.joined(separator: ", ")), not \"\(value)\"", parameter: name)
        }
        return value
    }

    /// Throws for the first parameter no handler read and not in `others`, naming it.
    public func rejectUnknown(besides others: Set<String> = []) throws {
        for pair in pairs where !read.contains(pair.name) && !others.contains(pair.name) {
            let known = read.union(others).filter { !$0.hasPrefix("label.") }.sorted()
            throw QueryError(
                "unknown parameter \(pair.name); this endpoint takes \(known.joined(separator: ", "))", parameter: pair.name)
        }
    }
}

extension Substring {
    /// Without leading and trailing spaces. Works on the UTF-8 bytes: going through `Character`s
    /// (grapheme breaking, a reversed copy) cost about a tenth of a latest-values request.
    func trimmingWhitespace() -> String {
        let bytes = utf8
        var start = bytes.startIndex
        var end = bytes.endIndex
        while start < end, bytes[start] == UInt8(ascii: " ") { start = bytes.index(after: start) }
        while end > start, bytes[bytes.index(before: end)] == UInt8(ascii: " ") { end = bytes.index(before: end) }
        // A space is one byte and never inside a multi-byte character: these are character boundaries.
        return String(self[start..<end])
    }
}
