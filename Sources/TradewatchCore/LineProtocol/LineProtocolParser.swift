/// Parses InfluxDB line protocol without copying: each line is handed to a callback as a
/// `LineView` of byte ranges into the input, and strings are made only when asked for.
///
/// ```swift
/// let parser = LineProtocolParser(precision: .milliseconds, defaultTimestamp: now)
/// try parser.parse(body) { line in
///     let symbol = line.string(line.tagValue(0))
/// }
/// ```
public struct LineProtocolParser: Sendable {
    public var precision: TimestampPrecision
    /// Nanoseconds since the epoch used for lines without a timestamp (the time of receipt).
    public var defaultTimestamp: Int64

    public init(precision: TimestampPrecision = .nanoseconds, defaultTimestamp: Int64) {
        self.precision = precision
        self.defaultTimestamp = defaultTimestamp
    }

    /// Parses every line of `input` in order, calling `body` once per point line (blank lines and
    /// `#` comment lines are skipped). Throws `LineProtocolError` for the first malformed line,
    /// after `body` has seen the lines before it, or rethrows what `body` throws.
    public func parse(_ input: UnsafeRawBufferPointer, _ body: (borrowing LineView) throws -> Void) throws {
        guard !input.isEmpty else { return }
        try input.withMemoryRebound(to: UInt8.self) { bytes in
            try parseLines(bytes.baseAddress!, count: bytes.count, body)
        }
    }

    /// Parses bytes held in any collection (contiguous ones are not copied).
    public func parse(_ input: some Collection<UInt8>, _ body: (borrowing LineView) throws -> Void) throws {
        let parsed: Void? = try input.withContiguousStorageIfAvailable { bytes in
            try parse(UnsafeRawBufferPointer(bytes), body)
        }
        if parsed == nil {
            try Array(input).withUnsafeBytes { try parse($0, body) }
        }
    }

    /// Parses the UTF-8 of `text`.
    public func parse(_ text: String, _ body: (borrowing LineView) throws -> Void) throws {
        var text = text
        try text.withUTF8 { try parse(UnsafeRawBufferPointer($0), body) }
    }

    private func parseLines(
        _ base: UnsafePointer<UInt8>, count: Int, _ body: (borrowing LineView) throws -> Void
    ) throws {
        // The whole input at once (a pass at memory speed over ASCII), before any line is handed on.
        if let invalid = UTF8Validation.firstInvalidByte(in: base, from: 0, to: count) {
            throw LineScanner.error(
                at: invalid, in: base, from: 0, lineNumber: 1,
                "byte 0x\(String(base[invalid], radix: 16, uppercase: true)) is not valid UTF-8 here; line protocol is UTF-8 text")
        }
        var line = LineStorage()
        var lineStart = 0
        var lineNumber = 0
        while lineStart < count {
            lineNumber += 1
            var newline = ByteSet.lineBreak.firstIndex(in: base, from: lineStart, to: count, readableEnd: count)
            let scanner = LineScanner(
                base: base, inputEnd: count, lineStart: lineStart, lineNumber: lineNumber, precision: precision
            )
            // Line breaks inside a string field value belong to the value (as InfluxDB reads it;
            // influxdb-client sends a multi-line log message so): the point then ends at the first
            // line break after the closing quote.
            var breaksInside = 0
            var isPoint = false
            while true {
                line.stringRunsOn = false
                var failure: LineProtocolError?
                do {
                    isPoint = try scanner.scanLine(
                        to: Self.lineEnd(before: newline, from: lineStart, in: base), defaultTimestamp: defaultTimestamp,
                        into: &line)
                } catch {
                    failure = error
                }
                guard let failure else { break }
                guard line.stringRunsOn, newline < count else { throw failure }
                newline = ByteSet.lineBreak.firstIndex(in: base, from: newline + 1, to: count, readableEnd: count)
                breaksInside += 1
            }
            if isPoint { try body(line.view(of: base, lineNumber: lineNumber)) }
            lineNumber += breaksInside
            lineStart = newline + 1
        }
    }

    /// Where the line ending at the line break `newline` ends, without a `\r` before the break.
    @inline(__always)
    private static func lineEnd(before newline: Int, from lineStart: Int, in base: UnsafePointer<UInt8>) -> Int {
        newline > lineStart && base[newline - 1] == UInt8(ascii: "\r") ? newline - 1 : newline
    }
}
