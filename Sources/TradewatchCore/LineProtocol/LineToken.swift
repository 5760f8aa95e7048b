/// A token of the current line: a byte range of the input, possibly containing backslash escapes.
///
/// Read it through the `LineView` it came from (`string(_:)`, `token(_:equals:)`,
/// `withRawBytes(_:_:)`); it is only meaningful while that view is.
public struct LineToken: Sendable, Equatable {
    /// Byte offset of the token in the input buffer.
    public let start: Int
    /// Byte length of the token as written (escaped form).
    public let count: Int
    /// True when the token contains backslash escapes that `LineView.string(_:)` removes.
    public let isEscaped: Bool
    /// Which characters a backslash escapes here: they differ between measurements, keys and
    /// string field values.
    @usableFromInline let escaping: Escaping

    @usableFromInline
    init(start: Int, count: Int, isEscaped: Bool, escaping: Escaping) {
        self.start = start
        self.count = count
        self.isEscaped = isEscaped
        self.escaping = escaping
    }

    @usableFromInline
    enum Escaping: UInt8, Sendable {
        /// Measurements: `\,` and `\ `.
        case measurement
        /// Tag keys, tag values and field keys: `\,`, `\=` and `\ `.
        case key
        /// String field values (between the quotes): `\"` and `\\`.
        case fieldString

        /// True when a backslash followed by `byte` stands for `byte` alone.
        @inlinable @inline(__always)
        func escapes(_ byte: UInt8) -> Bool {
            switch self {
            case .measurement: byte == UInt8(ascii: ",") || byte == UInt8(ascii: " ")
            case .key: byte == UInt8(ascii: ",") || byte == UInt8(ascii: " ") || byte == UInt8(ascii: "=")
            case .fieldString: byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\")
            }
        }
    }
}
