/// Parses one line of an input buffer into reusable storage. The grammar is InfluxDB's:
/// `measurement[,tag_key=tag_value…] field_key=field_value[,…] [timestamp]`.
///
/// A scanner is made per line and holds only what error messages need; the parts of the line go
/// into a `LineStorage` the caller reuses.
struct LineScanner {
    let base: UnsafePointer<UInt8>
    /// The end of the input: scans may read whole words up to here, beyond the line.
    let inputEnd: Int
    /// Where the line starts, for error columns.
    let lineStart: Int
    let lineNumber: Int
    let precision: TimestampPrecision

    /// Scans the line from `lineStart` to `end` (without its line break) into `line`. Returns
    /// false for a blank or comment line.
    func scanLine(to end: Int, defaultTimestamp: Int64, into line: inout LineStorage) throws(LineProtocolError) -> Bool {
        var index = skipBlanks(from: lineStart, to: end)
        guard index < end, base[index] != UInt8(ascii: "#") else { return false }
        line.removeAll()

        index = try scanMeasurement(from: index, to: end, into: &line)
        if base[index] == UInt8(ascii: ",") {
            index = try scanTags(from: index + 1, to: end, into: &line)
        }
        index = skipBlanks(from: index, to: end)
        guard index < end else { throw failure(at: index, "missing fields") }
        index = try scanFields(from: index, to: end, into: &line)
        index = skipBlanks(from: index, to: end)
        if index == end {
            line.timestamp = defaultTimestamp
            line.hasTimestamp = false
        } else {
            line.timestamp = try scanTimestamp(from: index, to: end)
            line.hasTimestamp = true
        }
        return true
    }

    /// Returns the index of the comma or space ending the measurement.
    private func scanMeasurement(from start: Int, to end: Int, into line: inout LineStorage) throws(LineProtocolError) -> Int {
        var index = start
        var escaped = false
        while true {
            index = ByteSet.measurementEnd.firstIndex(in: base, from: index, to: end, readableEnd: inputEnd)
            guard index < end, base[index] == UInt8(ascii: "\\") else { break }
            guard index + 1 < end else { throw unfinishedEscape(at: index, in: "measurement", from: start) }
            let next = base[index + 1]
            if next == UInt8(ascii: ",") || next == UInt8(ascii: " ") {
                escaped = true
                index += 2
            } else {
                index += 1
            }
        }
        guard index > start else { throw failure(at: index, "empty measurement") }
        line.measurement = LineToken(start: start, count: index - start, isEscaped: escaped, escaping: .measurement)
        guard index < end else { throw failure(at: index, "missing fields") }
        return index
    }

    /// Returns the index of the space ending the tag set.
    private func scanTags(from start: Int, to end: Int, into line: inout LineStorage) throws(LineProtocolError) -> Int {
        var keyStart = start
        while true {
            var keyEscaped = false
            let keyEnd = try scanKey(from: keyStart, to: end, escaped: &keyEscaped, in: "tag key")
            guard keyEnd > keyStart else { throw failure(at: keyStart, "empty tag key") }
            guard keyEnd < end, base[keyEnd] == UInt8(ascii: "=") else {
                throw failure(at: keyEnd, "missing tag value for tag key \(quoted(keyStart, keyEnd))")
            }
            let valueStart = keyEnd + 1
            var valueEscaped = false
            let valueEnd = try scanKey(from: valueStart, to: end, escaped: &valueEscaped, in: "tag value")
            guard valueEnd > valueStart else {
                throw failure(at: valueStart, "missing tag value for tag key \(quoted(keyStart, keyEnd))")
            }
            guard valueEnd == end || base[valueEnd] != UInt8(ascii: "=") else {
                throw failure(
                    at: valueEnd,
                    "tag value \(quoted(valueStart, extent(from: valueStart, to: end))) for tag key "
                        + "\(quoted(keyStart, keyEnd)) contains an unescaped \"=\" (write it as \\=)"
                )
            }
            line.appendTag(
                key: LineToken(start: keyStart, count: keyEnd - keyStart, isEscaped: keyEscaped, escaping: .key),
                value: LineToken(start: valueStart, count: valueEnd - valueStart, isEscaped: valueEscaped, escaping: .key)
            )
            guard valueEnd < end else { throw failure(at: end, "missing fields") }
            if base[valueEnd] == UInt8(ascii: " ") { return valueEnd }
            keyStart = valueEnd + 1
        }
    }

    /// Returns the index of the space ending the field set, or `end`.
    private func scanFields(from start: Int, to end: Int, into line: inout LineStorage) throws(LineProtocolError) -> Int {
        var keyStart = start
        while true {
            var keyEscaped = false
            let keyEnd = try scanKey(from: keyStart, to: end, escaped: &keyEscaped, in: "field key")
            guard keyEnd > keyStart else { throw failure(at: keyStart, "empty field key") }
            guard keyEnd < end, base[keyEnd] == UInt8(ascii: "=") else {
                throw failure(at: keyEnd, "missing value for field \(quoted(keyStart, keyEnd))")
            }
            let key = LineToken(start: keyStart, count: keyEnd - keyStart, isEscaped: keyEscaped, escaping: .key)
            let valueEnd = try scanFieldValue(from: keyEnd + 1, to: end, key: key, into: &line)
            guard valueEnd < end else { return end }
            if base[valueEnd] == UInt8(ascii: " ") { return valueEnd }
            keyStart = valueEnd + 1
        }
    }

    /// Scans a tag key, tag value or field key up to the first unescaped comma, space or `=`.
    @inline(__always)
    private func scanKey(
        from start: Int, to end: Int, escaped: inout Bool, in part: StaticString
    ) throws(LineProtocolError) -> Int {
        var index = start
        while true {
            index = ByteSet.keyEnd.firstIndex(in: base, from: index, to: end, readableEnd: inputEnd)
            guard index < end, base[index] == UInt8(ascii: "\\") else { return index }
            guard index + 1 < end else { throw unfinishedEscape(at: index, in: part, from: start) }
            let next = base[index + 1]
            if next == UInt8(ascii: ",") || next == UInt8(ascii: " ") || next == UInt8(ascii: "=") {
                escaped = true
                index += 2
            } else {
                index += 1  // a literal backslash
            }
        }
    }

    /// Scans and stores one field value; returns the index of the comma or space after it, or `end`.
    private func scanFieldValue(
        from start: Int, to end: Int, key: LineToken, into line: inout LineStorage
    ) throws(LineProtocolError) -> Int {
        guard start < end, base[start] != UInt8(ascii: ","), base[start] != UInt8(ascii: " ") else {
            throw failure(at: start, "missing value for field \(quoted(key))")
        }
        let first = base[start]
        if first == UInt8(ascii: "\"") { return try scanStringValue(from: start, to: end, key: key, into: &line) }
        if first &- UInt8(ascii: "0") < 10 || first == UInt8(ascii: "-") || first == UInt8(ascii: ".") {
            let (value, after) = try scanNumber(from: start, to: end, key: key)
            line.setField(key: key, value: value, in: base)
            return after
        }
        let valueEnd = ByteSet.valueEnd.firstIndex(in: base, from: start + 1, to: end, readableEnd: inputEnd)
        let value = ParsedFieldValue.boolean(try parseBoolean(from: start, to: valueEnd, key: key))
        line.setField(key: key, value: value, in: base)
        return valueEnd
    }

    /// Scans a double-quoted string value starting at its opening quote.
    private func scanStringValue(
        from quote: Int, to end: Int, key: LineToken, into line: inout LineStorage
    ) throws(LineProtocolError) -> Int {
        var index = quote + 1
        var escaped = false
        while true {
            index = ByteSet.stringEnd.firstIndex(in: base, from: index, to: end, readableEnd: inputEnd)
            guard index < end, base[index] == UInt8(ascii: "\\") else { break }
            if index + 1 < end, base[index + 1] == UInt8(ascii: "\"") || base[index + 1] == UInt8(ascii: "\\") {
                escaped = true
                index += 2
            } else {
                index += 1  // a literal backslash
            }
        }
        guard index < end else {
            line.stringRunsOn = true
            // Quoted up to its first line break: the same words whatever lines follow.
            var shown = quote
            while shown < end, base[shown] != UInt8(ascii: "\n") { shown += 1 }
            if shown < end, shown > quote, base[shown - 1] == UInt8(ascii: "\r") { shown -= 1 }
            throw failure(at: quote, "unterminated string field value \(quoted(quote, shown)) for field \(quoted(key))")
        }
        let after = index + 1
        guard after == end || base[after] == UInt8(ascii: ",") || base[after] == UInt8(ascii: " ") else {
            throw failure(
                at: after,
                "unexpected text \(quoted(after, extent(from: after, to: end))) after the string value of field "
                    + quoted(key)
            )
        }
        let token = LineToken(start: quote + 1, count: index - quote - 1, isEscaped: escaped, escaping: .fieldString)
        line.setField(key: key, value: .string(token), in: base)
        return after
    }

    @inline(__always)
    func skipBlanks(from start: Int, to end: Int) -> Int {
        var index = start
        while index < end, base[index] == UInt8(ascii: " ") || base[index] == UInt8(ascii: "\t") { index += 1 }
        return index
    }
}
