/// Up to four bytes a scan stops at, found eight bytes at a time ("SWAR": SIMD within a register).
struct ByteSet {
    private let bytes: (UInt8, UInt8, UInt8, UInt8)

    /// Repeat a byte to make a set of fewer than four.
    init(_ first: UInt8, _ second: UInt8, _ third: UInt8, _ fourth: UInt8) {
        bytes = (first, second, third, fourth)
    }

    static var lineBreak: ByteSet { ByteSet(0x0A, 0x0A, 0x0A, 0x0A) }
    static var measurementEnd: ByteSet { ByteSet(UInt8(ascii: ","), UInt8(ascii: " "), UInt8(ascii: "\\"), UInt8(ascii: "\\")) }
    static var keyEnd: ByteSet { ByteSet(UInt8(ascii: ","), UInt8(ascii: " "), UInt8(ascii: "="), UInt8(ascii: "\\")) }
    static var stringEnd: ByteSet { ByteSet(UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "\""), UInt8(ascii: "\\")) }
    static var valueEnd: ByteSet { ByteSet(UInt8(ascii: ","), UInt8(ascii: " "), UInt8(ascii: ","), UInt8(ascii: " ")) }

    @inline(__always)
    func contains(_ byte: UInt8) -> Bool {
        byte == bytes.0 || byte == bytes.1 || byte == bytes.2 || byte == bytes.3
    }

    /// The index of the first byte in the set at or after `start`, or `end`. Reads whole words
    /// while they lie before `readableEnd`, which may be past `end`.
    @inline(__always)
    func firstIndex(in base: UnsafePointer<UInt8>, from start: Int, to end: Int, readableEnd: Int) -> Int {
        var index = start
        while index < end {
            if index + 8 <= readableEnd {
                let word = UInt64(littleEndian: UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self))
                let found = matches(word, bytes.0) | matches(word, bytes.1) | matches(word, bytes.2) | matches(word, bytes.3)
                if found != 0 { return min(index + found.trailingZeroBitCount / 8, end) }
                index += 8
            } else {
                if contains(base[index]) { return index }
                index += 1
            }
        }
        return end
    }

    /// The high bit of each byte of `word` that equals `byte`. Bytes above the first match may be
    /// flagged falsely (borrows carry upwards), but the lowest flag is always right, also when
    /// several such masks are or-ed together.
    @inline(__always)
    private func matches(_ word: UInt64, _ byte: UInt8) -> UInt64 {
        let lowBits: UInt64 = 0x0101_0101_0101_0101
        let zeroWhereEqual = word ^ (lowBits &* UInt64(byte))
        return (zeroWhereEqual &- lowBits) & ~zeroWhereEqual & (lowBits << 7)
    }
}
