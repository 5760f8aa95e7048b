/// The parts of the line being parsed, reused from line to line so that parsing allocates only
/// when a line has more tags or fields than any before it.
struct LineStorage: ~Copyable {
    var measurement = LineToken(start: 0, count: 0, isEscaped: false, escaping: .measurement)
    var timestamp: Int64 = 0
    var hasTimestamp = false
    /// Set when the scan ended in a string field value that the line break cut: InfluxDB lets a
    /// string value hold line breaks, so the parser then scans the line again up to the next one.
    var stringRunsOn = false
    /// Tag keys and values, interleaved.
    private(set) var tags: UnsafeMutablePointer<LineToken>
    private(set) var tagCount = 0
    private var tagCapacity: Int
    private(set) var fieldKeys: UnsafeMutablePointer<LineToken>
    private(set) var fieldValues: UnsafeMutablePointer<ParsedFieldValue>
    private(set) var fieldCount = 0
    private var fieldCapacity: Int

    init(initialCapacity: Int = 16) {
        precondition(initialCapacity > 0)
        tagCapacity = initialCapacity
        fieldCapacity = initialCapacity
        tags = .allocate(capacity: 2 * initialCapacity)
        fieldKeys = .allocate(capacity: initialCapacity)
        fieldValues = .allocate(capacity: initialCapacity)
    }

    /// A view of the line for the parse callback.
    func view(of base: UnsafePointer<UInt8>, lineNumber: Int) -> LineView {
        LineView(
            base: base, lineNumber: lineNumber, measurement: measurement,
            tags: tags, tagCount: tagCount, fieldKeys: fieldKeys, fieldValues: fieldValues, fieldCount: fieldCount,
            timestamp: timestamp, hasTimestamp: hasTimestamp
        )
    }

    deinit {
        // Both element types are trivial, so there is nothing to deinitialize.
        tags.deallocate()
        fieldKeys.deallocate()
        fieldValues.deallocate()
    }

    mutating func removeAll() {
        tagCount = 0
        fieldCount = 0
    }

    @inline(__always)
    mutating func appendTag(key: LineToken, value: LineToken) {
        if tagCount == tagCapacity { growTags() }
        (tags + 2 * tagCount).initialize(to: key)
        (tags + 2 * tagCount + 1).initialize(to: value)
        tagCount += 1
    }

    /// Adds a field, or replaces the value of an earlier field with the same key (InfluxDB keeps
    /// the last value of a repeated field). Keys compare by raw bytes: for keys, equal text means
    /// equal escaped form.
    @inline(__always)
    mutating func setField(key: LineToken, value: ParsedFieldValue, in base: UnsafePointer<UInt8>) {
        var index = 0
        while index < fieldCount {
            let existing = fieldKeys[index]
            if existing.count == key.count, Self.equalBytes(base + existing.start, base + key.start, count: key.count) {
                fieldValues[index] = value
                return
            }
            index += 1
        }
        if fieldCount == fieldCapacity { growFields() }
        (fieldKeys + fieldCount).initialize(to: key)
        (fieldValues + fieldCount).initialize(to: value)
        fieldCount += 1
    }

    @inline(never)
    private mutating func growTags() {
        tags = Self.grow(tags, count: 2 * tagCount, to: 4 * tagCapacity)
        tagCapacity *= 2
    }

    @inline(never)
    private mutating func growFields() {
        fieldKeys = Self.grow(fieldKeys, count: fieldCount, to: 2 * fieldCapacity)
        fieldValues = Self.grow(fieldValues, count: fieldCount, to: 2 * fieldCapacity)
        fieldCapacity *= 2
    }

    private static func grow<Element>(
        _ old: UnsafeMutablePointer<Element>, count: Int, to capacity: Int
    ) -> UnsafeMutablePointer<Element> {
        let new = UnsafeMutablePointer<Element>.allocate(capacity: capacity)
        new.moveInitialize(from: old, count: count)
        old.deallocate()
        return new
    }

    private static func equalBytes(_ left: UnsafePointer<UInt8>, _ right: UnsafePointer<UInt8>, count: Int) -> Bool {
        var index = 0
        while index < count {
            guard left[index] == right[index] else { return false }
            index += 1
        }
        return true
    }
}
