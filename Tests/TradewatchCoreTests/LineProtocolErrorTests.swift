import Testing
import TradewatchCore

@Suite struct LineProtocolErrorTests {
    @Test(arguments: [
        // Structure
        ("m", 2, "missing fields"),
        ("m   ", 5, "missing fields"),
        ("m,t=1", 6, "missing fields"),
        ("m,t=1 ", 7, "missing fields"),
        (",t=1 f=1", 1, "empty measurement"),
        ("m,=v f=1", 3, "empty tag key"),
        ("m,t=v, f=1", 7, "empty tag key"),
        ("m,t f=1", 4, #"missing tag value for tag key "t""#),
        ("m,t= f=1", 5, #"missing tag value for tag key "t""#),
        ("m,t=,u=1 f=1", 5, #"missing tag value for tag key "t""#),
        ("m,t=a=b f=1", 6, #"tag value "a=b" for tag key "t" contains an unescaped "=" (write it as \=)"#),
        ("m =1", 3, "empty field key"),
        ("m f=1,", 7, "empty field key"),
        ("m f=1,,g=2", 7, "empty field key"),
        ("m f", 4, #"missing value for field "f""#),
        ("m f=", 5, #"missing value for field "f""#),
        ("m f= 1", 5, #"missing value for field "f""#),
        ("m f=1,g=", 9, #"missing value for field "g""#),
        ("m f=1,g=,h=2", 9, #"missing value for field "g""#),
        // Escapes cut off by the end of the line
        (#"m\"#, 2, #"line ends in the middle of a backslash escape in measurement "m\""#),
        (#"m,t=a\"#, 6, #"line ends in the middle of a backslash escape in tag value "a\""#),
        (#"m,t\"#, 4, #"line ends in the middle of a backslash escape in tag key "t\""#),
        (#"m f\"#, 4, #"line ends in the middle of a backslash escape in field key "f\""#),
        // Field values
        ("m qty=12xi", 7, #"invalid integer field value "12xi" for field "qty""#),
        ("m qty=1.5i", 7, #"invalid integer field value "1.5i" for field "qty""#),
        ("m qty=-i", 7, #"invalid integer field value "-i" for field "qty""#),
        ("m qty=12x", 7, #"invalid float field value "12x" for field "qty""#),
        ("m f=1.2.3", 5, #"invalid float field value "1.2.3" for field "f""#),
        ("m f=1e", 5, #"invalid float field value "1e" for field "f""#),
        ("m f=-", 5, #"invalid float field value "-" for field "f""#),
        ("m f=.", 5, #"invalid float field value "." for field "f""#),
        ("m f=0x10", 5, #"invalid float field value "0x10" for field "f""#),
        ("m f=1e400", 5, #"float field value "1e400" for field "f" is out of range for a 64-bit float"#),
        ("m f=-1e400", 5, #"float field value "-1e400" for field "f" is out of range for a 64-bit float"#),
        ("m f=9223372036854775808i", 5,
         #"integer field value "9223372036854775808i" for field "f" is out of range for a signed 64-bit integer"#),
        ("m f=-9223372036854775809i", 5,
         #"integer field value "-9223372036854775809i" for field "f" is out of range for a signed 64-bit integer"#),
        ("m f=99999999999999999999999i", 5,
         #"integer field value "99999999999999999999999i" for field "f" is out of range for a signed 64-bit integer"#),
        ("m f=18446744073709551616u", 5,
         #"unsigned field value "18446744073709551616u" for field "f" is out of range for an unsigned 64-bit integer"#),
        ("m f=-1u", 5, #"unsigned field value "-1u" for field "f" is negative"#),
        ("m f=1.5u", 5, #"invalid unsigned field value "1.5u" for field "f""#),
        ("m f=tru", 5, #"invalid boolean field value "tru" for field "f""#),
        ("m f=FaLsE", 5, #"invalid boolean field value "FaLsE" for field "f""#),
        ("m f=yes", 5, #"invalid field value "yes" for field "f" (string values must be in double quotes)"#),
        ("m f=+1.5", 5, #"invalid field value "+1.5" for field "f" (string values must be in double quotes)"#),
        (#"m f="abc"#, 5, #"unterminated string field value ""abc" for field "f""#),
        (#"m f="abc\""#, 5, #"unterminated string field value ""abc\"" for field "f""#),
        (#"m f="a"b"#, 8, #"unexpected text "b" after the string value of field "f""#),
        (#"m f="a""b" 1"#, 8, #"unexpected text ""b"" after the string value of field "f""#),
    ])
    func reportsWhatIsWrongAndWhere(text: String, column: Int, message: String) {
        #expect(lineProtocolError(text) == LineProtocolError(line: 1, column: column, message: message))
    }

    @Test(arguments: ["NaN", "nan", "Inf", "inf", "-inf", "+Inf", "Infinity", "-NaN"])
    func refusesNaNAndInfinity(value: String) {
        #expect(
            lineProtocolError("m f=\(value)")
                == LineProtocolError(
                    line: 1, column: 5,
                    message: "invalid field value \"\(value)\" for field \"f\": NaN and infinity are not supported"
                )
        )
    }

    @Test func aStringThatNoQuoteClosesIsUnterminatedWhateverLinesFollow() {
        // The string may run on over line breaks (see the parser's tests), but not past the input.
        let error = lineProtocolError("m s=\"first\nsecond 1\nm f=2")
        #expect(error == LineProtocolError(line: 1, column: 5, message: #"unterminated string field value ""first" for field "s""#))
    }

    @Test func anErrorAfterAStringWithLineBreaksNamesItsOwnLineAndColumn() {
        // Lines count the input's line breaks, those inside the string too.
        #expect(lineProtocolError("m s=\"a\nb\" 1\nm f=1x") == LineProtocolError(line: 3, column: 5, message: #"invalid float field value "1x" for field "f""#))
        #expect(lineProtocolError("m s=\"a\nb\",f=1x 1") == LineProtocolError(line: 2, column: 6, message: #"invalid float field value "1x" for field "f""#))
    }

    @Test func reportsTheLineNumberCountingBlankAndCommentLines() {
        let error = lineProtocolError("m f=1\r\n\r\n# comment\r\n  m,t=v f=1i,qty=12xi 5\r\nm f=1")
        #expect(error == LineProtocolError(line: 4, column: 18, message: #"invalid integer field value "12xi" for field "qty""#))
        #expect(error?.description == #"line 4, column 18: invalid integer field value "12xi" for field "qty""#)
    }

    private func parseError(_ bytes: [UInt8]) -> LineProtocolError? {
        do {
            try LineProtocolParser(precision: .nanoseconds, defaultTimestamp: 0).parse(bytes) { _ in }
            return nil
        } catch {
            return error as? LineProtocolError
        }
    }

    @Test(arguments: [
        ([0xFF], "0xFF"),  // never in UTF-8
        ([0x80], "0x80"),  // a continuation byte with no lead
        ([0xC3, 0x20], "0xC3"),  // a two-byte sequence cut short
        ([0xC0, 0x80], "0xC0"),  // an overlong NUL
        ([0xE0, 0x80, 0x80], "0xE0"),  // an overlong three-byte form
        ([0xED, 0xA0, 0x80], "0xED"),  // a UTF-16 surrogate
        ([0xF4, 0x90, 0x80, 0x80], "0xF4"),  // past U+10FFFF
    ] as [([UInt8], String)])
    func bytesThatAreNotUTF8AreRefusedWhereTheyStart(bad: [UInt8], shown: String) throws {
        // After 16 bytes of ASCII (read a word at a time) and on the second line.
        let prefix = Array("m f=1\nmeasurement,tag=".utf8)
        let error = try #require(parseError(prefix + bad + Array("x f=1".utf8)))
        #expect(error.line == 2)
        #expect(error.column == 17, "\(error)")
        #expect(error.message == "byte \(shown) is not valid UTF-8 here; line protocol is UTF-8 text")
        // Cut off by the end of the input as well.
        #expect(parseError(Array("m,t=".utf8) + bad.prefix(1))?.column == 5)
    }

    @Test func textInAnyScriptIsValid() throws {
        let lines = try parseLineProtocol("mesure,symbole=café,市場=東京 texte=\"😀 ok\",prix=1.5 1")
        #expect(lines.count == 1)
        #expect(parseError(Array("m,t=é f=\"日本😀\" 1".utf8)) == nil)
    }

    @Test func quotesLongValuesTruncated() {
        let value = String(repeating: "x", count: 39) + "éé" + String(repeating: "y", count: 30)
        let error = lineProtocolError("m f=\(value)")
        // The cut after 40 bytes would split the first "é" (bytes 40 and 41), so it is left out.
        let shown = String(repeating: "x", count: 39) + "…"
        #expect(error?.message == "invalid field value \"\(shown)\" for field \"f\" (string values must be in double quotes)")
    }
}
