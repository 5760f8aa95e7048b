extension LineScanner {
    /// Scans a field value that starts like a number (a digit, `-` or `.`): `123i`, `123u` or a
    /// float. Returns the value and the index after it.
    func scanNumber(from start: Int, to end: Int, key: LineToken) throws(LineProtocolError) -> (ParsedFieldValue, Int) {
        let negative = base[start] == UInt8(ascii: "-")
        let digitsStart = negative ? start + 1 : start
        let digits = scanDigits(from: digitsStart, to: end)
        if digits.end > digitsStart, digits.end < end, isValueEnd(digits.end + 1, end) {
            let after = digits.end + 1
            switch base[digits.end] {
            case UInt8(ascii: "i"):
                guard !digits.overflow, let value = Self.signed(digits.value, negative: negative) else {
                    throw outOfRange("integer", from: start, to: after, key: key, range: "a signed 64-bit integer")
                }
                return (.integer(value), after)
            case UInt8(ascii: "u"):
                guard !negative else {
                    throw failure(at: start, "unsigned field value \(quoted(start, after)) for field \(quoted(key)) is negative")
                }
                guard !digits.overflow else {
                    throw outOfRange("unsigned", from: start, to: after, key: key, range: "an unsigned 64-bit integer")
                }
                return (.unsigned(digits.value), after)
            default:
                break
            }
        }
        if let float = DecimalParser.double(base, from: start, to: end), isValueEnd(float.end, end) {
            guard float.value.isFinite else {
                throw outOfRange("float", from: start, to: float.end, key: key, range: "a 64-bit float")
            }
            return (.float(float.value), float.end)
        }
        let valueEnd = ByteSet.valueEnd.firstIndex(in: base, from: start, to: end, readableEnd: inputEnd)
        throw malformedNumber(from: start, to: valueEnd, key: key)
    }

    /// Parses a timestamp (`-?digits`, then only blanks) and converts it to nanoseconds.
    func scanTimestamp(from start: Int, to end: Int) throws(LineProtocolError) -> Int64 {
        let negative = base[start] == UInt8(ascii: "-")
        let digitsStart = negative ? start + 1 : start
        let digits = scanDigits(from: digitsStart, to: end)
        guard digits.end > digitsStart,
            digits.end == end || base[digits.end] == UInt8(ascii: " ") || base[digits.end] == UInt8(ascii: "\t")
        else {
            throw failure(at: start, "invalid timestamp \(quoted(start, blankExtent(from: start, to: end)))")
        }
        let trailing = skipBlanks(from: digits.end, to: end)
        guard trailing == end else {
            throw failure(at: trailing, "unexpected text \(quoted(trailing, blankExtent(from: trailing, to: end))) after the timestamp")
        }
        guard !digits.overflow, let units = Self.signed(digits.value, negative: negative),
            case let (nanoseconds, overflow) = units.multipliedReportingOverflow(by: precision.nanosecondsPerUnit),
            !overflow
        else {
            throw failure(
                at: start,
                "timestamp \(quoted(start, digits.end)) is out of range: in nanoseconds (precision "
                    + "\"\(precision.parameterName)\") it does not fit in a signed 64-bit integer"
            )
        }
        return nanoseconds
    }

    /// Reads the run of decimal digits from `start` up to the first other byte or `end`.
    @inline(__always)
    private func scanDigits(from start: Int, to end: Int) -> (value: UInt64, end: Int, overflow: Bool) {
        var index = start
        var value: UInt64 = 0
        while index + 8 <= end,
            case let word = UInt64(littleEndian: UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)),
            DecimalParser.isEightDigits(word)
        {
            value = value &* 100_000_000 &+ DecimalParser.valueOfEightDigits(word)
            index += 8
        }
        while index < end, case let digit = base[index] &- UInt8(ascii: "0"), digit < 10 {
            value = value &* 10 &+ UInt64(digit)
            index += 1
        }
        // 19 digits always fit in 64 bits; longer runs (perhaps only leading zeros) are redone
        // with overflow checks.
        guard index - start > 19 else { return (value, index, false) }
        var checked: UInt64 = 0
        var overflow = false
        for position in start..<index {
            let (product, productOverflow) = checked.multipliedReportingOverflow(by: 10)
            let (sum, sumOverflow) = product.addingReportingOverflow(UInt64(base[position] &- UInt8(ascii: "0")))
            overflow = overflow || productOverflow || sumOverflow
            checked = sum
        }
        return (checked, index, overflow)
    }

    /// The magnitude with its sign, or nil when that does not fit in an `Int64`.
    @inline(__always)
    private static func signed(_ magnitude: UInt64, negative: Bool) -> Int64? {
        if negative { return magnitude <= UInt64(Int64.max) + 1 ? Int64(bitPattern: 0 &- magnitude) : nil }
        return magnitude <= UInt64(Int64.max) ? Int64(magnitude) : nil
    }

    @inline(__always)
    private func isValueEnd(_ index: Int, _ end: Int) -> Bool {
        index == end || base[index] == UInt8(ascii: ",") || base[index] == UInt8(ascii: " ")
    }

    private func malformedNumber(from start: Int, to end: Int, key: LineToken) -> LineProtocolError {
        if DecimalParser.isNotANumberOrInfinity(base, from: start, to: end) {
            return notANumber(from: start, to: end, key: key)
        }
        let kind =
            switch base[end - 1] {
            case UInt8(ascii: "i"): "integer"
            case UInt8(ascii: "u"): "unsigned"
            default: "float"
            }
        return failure(at: start, "invalid \(kind) field value \(quoted(start, end)) for field \(quoted(key))")
    }

    private func blankExtent(from start: Int, to end: Int) -> Int {
        var index = start
        while index < end, base[index] != UInt8(ascii: " "), base[index] != UInt8(ascii: "\t") { index += 1 }
        return index
    }

    private func outOfRange(
        _ kind: String, from start: Int, to end: Int, key: LineToken, range: String
    ) -> LineProtocolError {
        failure(at: start, "\(kind) field value \(quoted(start, end)) for field \(quoted(key)) is out of range for \(range)")
    }
}
