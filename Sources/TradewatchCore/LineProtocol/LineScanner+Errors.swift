extension LineScanner {
    /// The error at byte `offset`, its line and column counted from the input's line breaks: a
    /// point whose string value holds line breaks spans several lines.
    @inline(never)
    func failure(at offset: Int, _ message: String) -> LineProtocolError {
        Self.error(at: offset, in: base, from: lineStart, lineNumber: lineNumber, message)
    }

    /// The error at byte `offset`, counting the line breaks from `lineStart` (which begins line
    /// `lineNumber`) to give its line and column.
    @inline(never)
    static func error(
        at offset: Int, in base: UnsafePointer<UInt8>, from lineStart: Int, lineNumber: Int, _ message: String
    ) -> LineProtocolError {
        var line = lineNumber
        var start = lineStart
        for index in lineStart..<offset where base[index] == UInt8(ascii: "\n") {
            line += 1
            start = index + 1
        }
        return LineProtocolError(line: line, column: offset - start + 1, message: message)
    }

    @inline(never)
    func unfinishedEscape(at offset: Int, in part: StaticString, from start: Int) -> LineProtocolError {
        failure(at: offset, "line ends in the middle of a backslash escape in \(part) \(quoted(start, offset + 1))")
    }

    /// The bytes `start..<end` in double quotes, cut to about 40 bytes (at a character boundary).
    func quoted(_ start: Int, _ end: Int) -> String {
        let limit = 40
        guard end - start > limit else {
            return "\"" + String(decoding: UnsafeBufferPointer(start: base + start, count: end - start), as: UTF8.self) + "\""
        }
        var cut = start + limit
        // Back up over UTF-8 continuation bytes so that no character is split.
        while cut > start, base[cut] & 0xC0 == 0x80 { cut -= 1 }
        return "\"" + String(decoding: UnsafeBufferPointer(start: base + start, count: cut - start), as: UTF8.self) + "…\""
    }

    func quoted(_ token: LineToken) -> String {
        quoted(token.start, token.start + token.count)
    }

    /// Where the unquoted text starting at `start` ends (the next comma or space), for quoting it.
    func extent(from start: Int, to end: Int) -> Int {
        var index = start
        while index < end, base[index] != UInt8(ascii: ","), base[index] != UInt8(ascii: " ") { index += 1 }
        return index
    }
}
