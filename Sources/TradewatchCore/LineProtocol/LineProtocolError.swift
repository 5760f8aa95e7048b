/// A malformed line: which line (1-based), which byte column (1-based), and what is wrong, in
/// words a user understands, quoting the offending text (truncated to about 40 bytes), e.g.
/// `line 3, column 17: invalid integer field value "12x" for field "qty"`.
public struct LineProtocolError: Error, Sendable, Equatable, CustomStringConvertible {
    public let line: Int
    public let column: Int
    public let message: String

    public init(line: Int, column: Int, message: String) {
        self.line = line
        self.column = column
        self.message = message
    }

    public var description: String { "line \(line), column \(column): \(message)" }
}
