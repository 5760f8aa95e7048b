/// Writes one flat JSON object member by member into a byte buffer. Absent (nil) values and
/// empty string maps are left out, as the server treats a missing key as null.
struct JSONObjectWriter {
    private var output: [UInt8]
    private var hasMembers = false

    init(output: [UInt8]) {
        self.output = output
        self.output.append(UInt8(ascii: "{"))
    }

    /// Closes the object and hands back the buffer.
    consuming func finish() -> [UInt8] {
        output.append(UInt8(ascii: "}"))
        return output
    }

    mutating func string(_ key: String, _ value: String?) {
        guard let value else { return }
        self.key(key)
        Self.appendQuoted(value, to: &output)
    }

    /// A finite number (records are validated when recorded); Swift's shortest exact text is
    /// valid JSON for every finite double.
    mutating func number(_ key: String, _ value: Double?) {
        guard let value else { return }
        self.key(key)
        output.append(contentsOf: value.description.utf8)
    }

    mutating func integer(_ key: String, _ value: Int64?) {
        guard let value else { return }
        self.key(key)
        output.append(contentsOf: String(value).utf8)
    }

    /// A nested object of string values, keys sorted.
    mutating func strings(_ key: String, _ values: [String: String]) {
        guard !values.isEmpty else { return }
        self.key(key)
        output.append(UInt8(ascii: "{"))
        for (index, (name, value)) in values.sorted(by: { $0.key < $1.key }).enumerated() {
            if index > 0 { output.append(UInt8(ascii: ",")) }
            Self.appendQuoted(name, to: &output)
            output.append(UInt8(ascii: ":"))
            Self.appendQuoted(value, to: &output)
        }
        output.append(UInt8(ascii: "}"))
    }

    private mutating func key(_ key: String) {
        if hasMembers { output.append(UInt8(ascii: ",")) }
        hasMembers = true
        Self.appendQuoted(key, to: &output)
        output.append(UInt8(ascii: ":"))
    }

    /// Appends `text` as a JSON string: quotes, backslashes and control characters escaped,
    /// everything else as UTF-8.
    static func appendQuoted(_ text: String, to output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): output.append(contentsOf: #"\""#.utf8)
            case UInt8(ascii: "\\"): output.append(contentsOf: #"\\"#.utf8)
            case UInt8(ascii: "\n"): output.append(contentsOf: #"\n"#.utf8)
            case UInt8(ascii: "\r"): output.append(contentsOf: #"\r"#.utf8)
            case UInt8(ascii: "\t"): output.append(contentsOf: #"\t"#.utf8)
            case 0..<0x20:
                output.append(contentsOf: #"\u00"#.utf8)
                output.append(hexDigits[Int(byte >> 4)])
                output.append(hexDigits[Int(byte & 0x0F)])
            default: output.append(byte)
            }
        }
        output.append(UInt8(ascii: "\""))
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)
}
