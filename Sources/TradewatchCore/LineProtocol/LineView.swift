/// The current parsed line, valid only inside the parse callback. Strings are made only on request.
///
/// Tokens (`LineToken`) are byte ranges of the input: read them with `string(_:)`,
/// `token(_:equals:)` or `withRawBytes(_:_:)` (see `LineView+Text.swift`).
public struct LineView: ~Copyable {
    @usableFromInline let base: UnsafePointer<UInt8>
    /// Tag keys and values, interleaved: key 0, value 0, key 1, value 1…
    @usableFromInline let tags: UnsafePointer<LineToken>
    @usableFromInline let fieldKeys: UnsafePointer<LineToken>
    @usableFromInline let fieldValues: UnsafePointer<ParsedFieldValue>

    /// The 1-based line number of this line in the input.
    public let lineNumber: Int
    public let measurement: LineToken
    public let tagCount: Int
    /// The number of distinct field keys: a key repeated in the line keeps its last value.
    public let fieldCount: Int
    /// The timestamp in nanoseconds since the epoch: the line's own (multiplied by the precision)
    /// or the parser's default when the line has none.
    public let timestamp: Int64
    public let hasTimestamp: Bool

    init(
        base: UnsafePointer<UInt8>, lineNumber: Int, measurement: LineToken,
        tags: UnsafePointer<LineToken>, tagCount: Int,
        fieldKeys: UnsafePointer<LineToken>, fieldValues: UnsafePointer<ParsedFieldValue>, fieldCount: Int,
        timestamp: Int64, hasTimestamp: Bool
    ) {
        self.base = base
        self.lineNumber = lineNumber
        self.measurement = measurement
        self.tags = tags
        self.tagCount = tagCount
        self.fieldKeys = fieldKeys
        self.fieldValues = fieldValues
        self.fieldCount = fieldCount
        self.timestamp = timestamp
        self.hasTimestamp = hasTimestamp
    }

    @inlinable
    public func tagKey(_ index: Int) -> LineToken {
        precondition(index >= 0 && index < tagCount, "tag index out of range")
        return tags[2 &* index]
    }

    @inlinable
    public func tagValue(_ index: Int) -> LineToken {
        precondition(index >= 0 && index < tagCount, "tag index out of range")
        return tags[2 &* index &+ 1]
    }

    @inlinable
    public func fieldKey(_ index: Int) -> LineToken {
        precondition(index >= 0 && index < fieldCount, "field index out of range")
        return fieldKeys[index]
    }

    /// The field's value; string values are unescaped (`\"` and `\\`) into a new `String`.
    @inlinable
    public func fieldValue(_ index: Int) -> LineFieldValue {
        precondition(index >= 0 && index < fieldCount, "field index out of range")
        switch fieldValues[index] {
        case .float(let value): return .float(value)
        case .integer(let value): return .integer(value)
        case .unsigned(let value): return .unsigned(value)
        case .boolean(let value): return .boolean(value)
        case .string(let token): return .string(string(token))
        }
    }

    /// The text of a string field value (between its quotes) as a token, or nil when the field
    /// is not a string: lets callers compare or intern string values without making a `String`.
    @inlinable
    public func stringFieldToken(_ index: Int) -> LineToken? {
        precondition(index >= 0 && index < fieldCount, "field index out of range")
        if case .string(let token) = fieldValues[index] { return token }
        return nil
    }
}
