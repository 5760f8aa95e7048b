/// Parses decimal floating-point text straight from bytes, without making a String in the
/// common case.
enum DecimalParser {
    /// Parses the longest prefix of `start..<end` of the form `-?(digits[.digits] | .digits)([eE][+-]?digits)?`
    /// and returns its value and end; nil when there is no such prefix (so no `+` sign, NaN or
    /// infinity). Values beyond the range of `Double` come back infinite.
    ///
    /// Up to 15 significant digits and a decimal exponent within ±22 (prices, quantities,
    /// readings) take Clinger's fast path: both operands are exact doubles, so one IEEE multiply
    /// or divide rounds correctly. The rest go to the standard library's correctly rounded parser.
    static func double(_ base: UnsafePointer<UInt8>, from start: Int, to end: Int) -> (value: Double, end: Int)? {
        var index = start
        let negative = base[index] == UInt8(ascii: "-")
        if negative { index += 1 }
        var mantissa: UInt64 = 0
        var significantDigits = 0
        var exponent = 0
        var digits = 0
        var exact = true
        while index < end, case let digit = base[index] &- UInt8(ascii: "0"), digit < 10 {
            accumulate(digit, into: &mantissa, significantDigits: &significantDigits, exact: &exact)
            if !exact { exponent += 1 }
            digits += 1
            index += 1
        }
        if index < end, base[index] == UInt8(ascii: ".") {
            index += 1
            while index < end, case let digit = base[index] &- UInt8(ascii: "0"), digit < 10 {
                accumulate(digit, into: &mantissa, significantDigits: &significantDigits, exact: &exact)
                if exact { exponent -= 1 }
                digits += 1
                index += 1
            }
        }
        guard digits > 0 else { return nil }
        if index < end, base[index] | 0x20 == UInt8(ascii: "e") {
            var cursor = index + 1
            var exponentNegative = false
            if cursor < end, base[cursor] == UInt8(ascii: "+") || base[cursor] == UInt8(ascii: "-") {
                exponentNegative = base[cursor] == UInt8(ascii: "-")
                cursor += 1
            }
            let exponentStart = cursor
            var written = 0
            while cursor < end, case let digit = base[cursor] &- UInt8(ascii: "0"), digit < 10 {
                // Anything past 99999 is zero or infinity anyway; stop growing to avoid overflow.
                if written < 100_000 { written = written * 10 + Int(digit) }
                cursor += 1
            }
            // Without digits the "e" is not part of the number.
            if cursor > exponentStart {
                exponent += exponentNegative ? -written : written
                index = cursor
            }
        }
        if mantissa == 0 { return (negative ? -0.0 : 0.0, index) }
        if exact, mantissa <= 1 << 53, exponent >= -22, exponent <= 22 {
            let scale = exactPowerOfTen(exponent < 0 ? -exponent : exponent)
            let magnitude = exponent < 0 ? Double(mantissa) / scale : Double(mantissa) * scale
            return (negative ? -magnitude : magnitude, index)
        }
        // Already validated, so the standard library sees only plain decimal text.
        let text = String(decoding: UnsafeBufferPointer(start: base + start, count: index - start), as: UTF8.self)
        guard let value = Double(text) else { return nil }
        return (value, index)
    }

    /// True for `nan`, `inf` and `infinity` in any case, with an optional sign.
    static func isNotANumberOrInfinity(_ base: UnsafePointer<UInt8>, from start: Int, to end: Int) -> Bool {
        var index = start
        if index < end, base[index] == UInt8(ascii: "-") || base[index] == UInt8(ascii: "+") { index += 1 }
        var lowercased: [UInt8] = []
        while index < end {
            lowercased.append(base[index] | 0x20)
            index += 1
        }
        return lowercased.elementsEqual("nan".utf8) || lowercased.elementsEqual("inf".utf8)
            || lowercased.elementsEqual("infinity".utf8)
    }

    /// True when all eight bytes of a little-endian `word` are ASCII digits.
    @inline(__always)
    static func isEightDigits(_ word: UInt64) -> Bool {
        let highNibbles: UInt64 = 0xF0F0_F0F0_F0F0_F0F0
        return (word & highNibbles) | (((word &+ 0x0606_0606_0606_0606) & highNibbles) >> 4) == 0x3333_3333_3333_3333
    }

    /// The value of eight ASCII digits in a little-endian `word`, first digit in the lowest byte,
    /// with three multiplications instead of eight (as in fast_float).
    @inline(__always)
    static func valueOfEightDigits(_ word: UInt64) -> UInt64 {
        let pairMask: UInt64 = 0x0000_00FF_0000_00FF
        var value = word &- 0x3030_3030_3030_3030
        value = value &* 10 &+ (value >> 8)  // pairs of digits, in every other byte
        return ((value & pairMask) &* (100 + (1_000_000 << 32)) &+ ((value >> 16) & pairMask) &* (1 + (10_000 << 32))) >> 32
    }

    /// Adds a digit to the mantissa while it has fewer than 19 significant digits (so it cannot
    /// overflow); later digits only make the value inexact.
    @inline(__always)
    private static func accumulate(_ digit: UInt8, into mantissa: inout UInt64, significantDigits: inout Int, exact: inout Bool) {
        guard exact else { return }
        guard significantDigits < 19 else {
            exact = false
            return
        }
        mantissa = mantissa &* 10 &+ UInt64(digit)
        if mantissa != 0 { significantDigits += 1 }
    }

    /// 10^power for 0...22, the powers of ten a double holds exactly (so the products are exact).
    @inline(__always)
    private static func exactPowerOfTen(_ power: Int) -> Double {
        var result = 1.0
        for _ in 0..<power { result *= 10 }
        return result
    }
}
