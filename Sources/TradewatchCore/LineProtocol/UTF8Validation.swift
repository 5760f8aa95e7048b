/// Finds bytes that are not UTF-8 (line protocol is UTF-8 text): a stray continuation byte, a
/// sequence cut short, an overlong form, a surrogate or a code point past U+10FFFF. Text is
/// checked 32 bytes at a time while it is ASCII, as line protocol mostly is.
enum UTF8Validation {
    /// The offset of the first byte in `from..<to` that starts no valid UTF-8 sequence, or nil.
    @usableFromInline
    static func firstInvalidByte(in base: UnsafePointer<UInt8>, from: Int, to end: Int) -> Int? {
        var index = from
        while index < end {
            while index + 32 <= end {
                let raw = UnsafeRawPointer(base + index)
                let any = raw.loadUnaligned(as: UInt64.self) | raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
                    | raw.loadUnaligned(fromByteOffset: 16, as: UInt64.self) | raw.loadUnaligned(fromByteOffset: 24, as: UInt64.self)
                if any & 0x8080_8080_8080_8080 != 0 { break }
                index += 32
            }
            while index + 8 <= end {
                let word = UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)
                if word & 0x8080_8080_8080_8080 != 0 { break }
                index += 8
            }
            guard index < end else { return nil }
            let lead = base[index]
            if lead < 0x80 {
                index += 1
                continue
            }
            let length: Int
            let minimum: UInt32
            switch lead {
            case 0xC2...0xDF: (length, minimum) = (2, 0x80)
            case 0xE0...0xEF: (length, minimum) = (3, 0x800)
            case 0xF0...0xF4: (length, minimum) = (4, 0x1_0000)
            default: return index  // a continuation byte, an overlong lead (C0, C1) or past F4
            }
            guard index + length <= end else { return index }
            var scalar = UInt32(lead) & (0x7F >> length)
            for offset in 1..<length {
                let byte = base[index + offset]
                guard byte & 0xC0 == 0x80 else { return index }
                scalar = scalar << 6 | UInt32(byte & 0x3F)
            }
            guard scalar >= minimum, scalar <= 0x10_FFFF, !(0xD800...0xDFFF).contains(scalar) else { return index }
            index += length
        }
        return nil
    }
}
