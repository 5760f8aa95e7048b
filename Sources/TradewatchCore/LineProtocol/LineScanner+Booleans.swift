extension LineScanner {
    /// Parses a boolean; any other unquoted value that does not start like a number ends up here.
    func parseBoolean(from start: Int, to end: Int, key: LineToken) throws(LineProtocolError) -> Bool {
        switch end - start {
        case 1:
            switch base[start] {
            case UInt8(ascii: "t"), UInt8(ascii: "T"): return true
            case UInt8(ascii: "f"), UInt8(ascii: "F"): return false
            default: break
            }
        case 4:
            if matches(start, end, "true") || matches(start, end, "True") || matches(start, end, "TRUE") { return true }
        case 5:
            if matches(start, end, "false") || matches(start, end, "False") || matches(start, end, "FALSE") { return false }
        default:
            break
        }
        if DecimalParser.isNotANumberOrInfinity(base, from: start, to: end) {
            throw notANumber(from: start, to: end, key: key)
        }
        switch base[start] {
        case UInt8(ascii: "t"), UInt8(ascii: "T"), UInt8(ascii: "f"), UInt8(ascii: "F"):
            throw failure(at: start, "invalid boolean field value \(quoted(start, end)) for field \(quoted(key))")
        default:
            throw failure(
                at: start,
                "invalid field value \(quoted(start, end)) for field \(quoted(key)) (string values must be in double quotes)"
            )
        }
    }

    private func matches(_ start: Int, _ end: Int, _ text: StaticString) -> Bool {
        text.withUTF8Buffer { text in
            for offset in 0..<text.count where base[start + offset] != text[offset] { return false }
            return true
        }
    }

    func notANumber(from start: Int, to end: Int, key: LineToken) -> LineProtocolError {
        failure(
            at: start,
            "invalid field value \(quoted(start, end)) for field \(quoted(key)): NaN and infinity are not supported"
        )
    }
}
