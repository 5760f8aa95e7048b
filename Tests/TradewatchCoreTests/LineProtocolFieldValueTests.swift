import Testing
import TradewatchCore

@Suite struct LineProtocolFieldValueTests {
    @Test(arguments: [
        ("1", 1.0), ("1.5", 1.5), ("-1.5", -1.5), ("1e3", 1000), ("1.5E-3", 0.0015), ("1e+3", 1000),
        (".5", 0.5), ("5.", 5), ("-.25", -0.25), ("0", 0), ("007.5", 7.5), ("0.1", 0.1), ("187.25", 187.25),
        ("1e-300", 1e-300), ("1.7976931348623157e308", 1.7976931348623157e308), ("4.9e-324", .leastNonzeroMagnitude),
        ("2.2250738585072014e-308", 2.2250738585072014e-308), ("123456789012345678901234567890", 1.2345678901234568e29),
        ("0.30000000000000004", 0.30000000000000004), ("9007199254740993", 9007199254740992), ("1e-400", 0),
        ("1e22", 1e22), ("1e23", 1e23), ("123456789012345.6", 123456789012345.6), ("0.000001234", 0.000001234),
    ])
    func parsesFloats(text: String, value: Double) throws {
        let line = try parseSingleLine("m f=\(text)")
        #expect(line.fields["f"] == .float(value))
        #expect(line.fields["f"] == Double(text).map { .float($0) })
    }

    @Test func negativeZeroKeepsItsSign() throws {
        guard case .float(let value) = try parseSingleLine("m f=-0.0").fields["f"] else {
            Issue.record("not a float")
            return
        }
        #expect(value == 0 && value.sign == .minus)
    }

    @Test func floatsRoundTripTheirShortestDescription() throws {
        var generator = LineProtocolTestRandom(seed: 42)
        var text = ""
        var expected: [Double] = []
        while expected.count < 5_000 {
            let value = Double(bitPattern: generator.next())
            guard value.isFinite else { continue }
            // Also cover short decimals, the common case in market data.
            let short = Double(Int64(bitPattern: generator.next()) % 10_000_000) / 100
            for candidate in [value, short] {
                expected.append(candidate)
                text += "m f=\(candidate)\n"
            }
        }
        var parsed: [UInt64] = []
        try LineProtocolParser(defaultTimestamp: 0).parse(text) { line in
            if case .float(let value) = line.fieldValue(0) { parsed.append(value.bitPattern) }
        }
        try #require(parsed.count == expected.count)
        let wrong = zip(expected, parsed).filter { $0.bitPattern != $1 }
        #expect(wrong.isEmpty, "\(wrong.count) wrong, first: \(wrong.first.map { "\($0.0) parsed as \(Double(bitPattern: $0.1))" } ?? "")")
    }

    @Test(arguments: [
        ("123i", Int64(123)), ("-123i", -123), ("0i", 0), ("-0i", 0), ("0042i", 42),
        ("9223372036854775807i", .max), ("-9223372036854775808i", .min),
    ])
    func parsesIntegers(text: String, value: Int64) throws {
        #expect(try parseSingleLine("m f=\(text)").fields["f"] == .integer(value))
    }

    @Test(arguments: [("0u", UInt64(0)), ("123u", 123), ("18446744073709551615u", .max)])
    func parsesUnsignedIntegers(text: String, value: UInt64) throws {
        #expect(try parseSingleLine("m f=\(text)").fields["f"] == .unsigned(value))
    }

    @Test(arguments: [
        ("t", true), ("T", true), ("true", true), ("True", true), ("TRUE", true),
        ("f", false), ("F", false), ("false", false), ("False", false), ("FALSE", false),
    ])
    func parsesBooleans(text: String, value: Bool) throws {
        #expect(try parseSingleLine("m b=\(text),n=1i").fields == ["b": .boolean(value), "n": .integer(1)])
    }

    @Test(arguments: [
        (#""""#, ""),
        (#""with spaces, commas and key=value""#, "with spaces, commas and key=value"),
        (#""say \"hi\"""#, #"say "hi""#),
        (#""back\\slash""#, #"back\slash"#),
        (#""ends with backslash\\""#, #"ends with backslash\"#),
        (#""other \escapes \n stay""#, #"other \escapes \n stay"#),
        ("\"tab\tinside\"", "tab\tinside"),
        (##""# not a comment""##, "# not a comment"),
        (#""ünïcödé 🚀""#, "ünïcödé 🚀"),
    ])
    func parsesStrings(text: String, value: String) throws {
        let line = try parseSingleLine("m s=\(text),n=1i 9")
        #expect(line.fields == ["s": .string(value), "n": .integer(1)])
        #expect(line.timestamp == 9)
    }

    @Test func stringValueMayBeFollowedByTheTimestampOrAnotherField() throws {
        let line = try parseSingleLine(#"m a="x y",b="p,q=r" 12"#)
        #expect(line.fields == ["a": .string("x y"), "b": .string("p,q=r")])
        #expect(line.timestamp == 12)
    }
}

/// A small deterministic generator, so that failures reproduce.
struct LineProtocolTestRandom: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }
}
