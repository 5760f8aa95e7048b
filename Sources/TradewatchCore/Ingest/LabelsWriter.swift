/// Builds the JSON object kept in a row's labels (or attributes) column: every tag and field a
/// row carried that has no column of its own. Keys keep the order they arrived in.
public struct LabelsWriter: Sendable {
    private var json = ""
    public private(set) var isEmpty = true

    public init() {}

    public mutating func reset() {
        json.removeAll(keepingCapacity: true)
        isEmpty = true
    }

    private mutating func key(_ key: String) {
        json.append(isEmpty ? "{" : ",")
        isEmpty = false
        Self.appendQuoted(key, to: &json)
        json.append(":")
    }

    public mutating func add(_ name: String, string value: String) {
        key(name)
        Self.appendQuoted(value, to: &json)
    }

    public mutating func add(_ name: String, number value: Double) {
        key(name)
        json.append(value.isFinite ? "\(value)" : "null")
    }

    public mutating func add(_ name: String, integer value: Int64) {
        key(name)
        json.append(String(value))
    }

    public mutating func add(_ name: String, unsigned value: UInt64) {
        key(name)
        json.append(String(value))
    }

    public mutating func add(_ name: String, bool value: Bool) {
        key(name)
        json.append(value ? "true" : "false")
    }

    /// Adds already-encoded JSON (a nested object from a JSON request).
    public mutating func add(_ name: String, json value: String) {
        key(name)
        json.append(value)
    }

    /// The object, or `nil` when nothing was added.
    public var result: String? { isEmpty ? nil : json + "}" }

    /// Appends `text` as a JSON string literal.
    public static func appendQuoted(_ text: String, to output: inout String) {
        output.append("\"")
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output.append("\\\"")
            case "\\": output.append("\\\\")
            case "\n": output.append("\\n")
            case "\r": output.append("\\r")
            case "\t": output.append("\\t")
            case let control where control.value < 0x20:
                let hex = String(control.value, radix: 16)
                output.append("\\u" + String(repeating: "0", count: 4 - hex.count) + hex)
            default: output.unicodeScalars.append(scalar)
            }
        }
        output.append("\"")
    }
}
