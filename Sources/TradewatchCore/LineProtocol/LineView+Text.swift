extension LineView {
    /// The token's text with escapes removed. Invalid UTF-8 is repaired with U+FFFD.
    public func string(_ token: LineToken) -> String {
        let raw = UnsafeBufferPointer(start: base + token.start, count: token.count)
        guard token.isEscaped else { return String(decoding: raw, as: UTF8.self) }
        return String(unsafeUninitializedCapacity: token.count) { buffer in
            var written = 0
            var index = 0
            while index < raw.count {
                var byte = raw[index]
                if byte == UInt8(ascii: "\\"), index + 1 < raw.count, token.escaping.escapes(raw[index + 1]) {
                    index += 1
                    byte = raw[index]
                }
                buffer[written] = byte
                written += 1
                index += 1
            }
            return written
        }
    }

    /// True when the token's unescaped bytes equal `text`'s UTF-8, without making a String.
    @inlinable
    public func token(_ token: LineToken, equals text: StaticString) -> Bool {
        text.withUTF8Buffer { bytes(of: token, equal: $0) }
    }

    /// True when the token's unescaped bytes equal `text`'s UTF-8, without making a String.
    @inlinable
    public func token(_ token: LineToken, equals text: String) -> Bool {
        var text = text
        return text.withUTF8 { bytes(of: token, equal: $0) }
    }

    /// True when two tokens of this line hold the same text, escaped or not, without making a
    /// String unless both are escaped.
    @inlinable
    public func token(_ token: LineToken, equals other: LineToken) -> Bool {
        if !other.isEscaped { return bytes(of: token, equal: UnsafeBufferPointer(start: base + other.start, count: other.count)) }
        if !token.isEscaped { return bytes(of: other, equal: UnsafeBufferPointer(start: base + token.start, count: token.count)) }
        return self.token(token, equals: string(other))
    }

    /// Calls body with the token's raw bytes (escaped form), e.g. for hashing or interning: within
    /// one kind of token (measurements, keys and tag values, string values) equal raw bytes mean
    /// equal text.
    @inlinable
    public func withRawBytes<R>(_ token: LineToken, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try body(UnsafeRawBufferPointer(start: base + token.start, count: token.count))
    }

    @inlinable
    func bytes(of token: LineToken, equal text: UnsafeBufferPointer<UInt8>) -> Bool {
        guard !token.isEscaped else { return unescapedBytes(of: token, equal: text) }
        guard token.count == text.count else { return false }
        let raw = base + token.start
        var index = 0
        while index < text.count {
            guard raw[index] == text[index] else { return false }
            index &+= 1
        }
        return true
    }

    @usableFromInline
    func unescapedBytes(of token: LineToken, equal text: UnsafeBufferPointer<UInt8>) -> Bool {
        // Escapes only shorten the text, so a longer `text` cannot match.
        guard text.count <= token.count else { return false }
        let raw = base + token.start
        var index = 0
        var matched = 0
        while index < token.count {
            var byte = raw[index]
            if byte == UInt8(ascii: "\\"), index + 1 < token.count, token.escaping.escapes(raw[index + 1]) {
                index += 1
                byte = raw[index]
            }
            guard matched < text.count, text[matched] == byte else { return false }
            matched += 1
            index += 1
        }
        return matched == text.count
    }
}
