/// Rows of one commit rendered as JSON objects joined by commas, in one buffer: built once per
/// distinct set of rows and shared by every subscription that wants that set (all the one-symbol
/// subscriptions of a symbol), so queueing a commit's rows costs one reference, not one per row.
final class LiveRowChunk: Sendable {
    /// `{…},{…},…`: the rows' objects with a comma between each two.
    let bytes: [UInt8]
    /// Where each row's object ends in `bytes` (exclusive).
    let ends: [Int]

    init(bytes: [UInt8], ends: [Int]) {
        self.bytes = bytes
        self.ends = ends
    }

    /// Rows given one by one (tests, replays).
    convenience init(rows: some Sequence<[UInt8]>) {
        var bytes: [UInt8] = []
        var ends: [Int] = []
        for row in rows {
            if !ends.isEmpty { bytes.append(UInt8(ascii: ",")) }
            bytes += row
            ends.append(bytes.count)
        }
        self.init(bytes: bytes, ends: ends)
    }

    var count: Int { ends.count }

    /// Where row `row`'s object starts in `bytes`.
    func start(of row: Int) -> Int { row == 0 ? 0 : ends[row - 1] + 1 }
}

/// Rows queued for one subscription: chunks in commit order, of which the first `start` rows of
/// the first chunk were dropped (the buffer bound drops the oldest rows first).
struct LiveRows: Sendable, Equatable, Sequence {
    private(set) var chunks: [LiveRowChunk] = []
    private var start = 0
    /// Rows left.
    private(set) var count = 0

    init() {}

    init(_ chunk: LiveRowChunk) {
        append(chunk)
    }

    /// Rows given one by one, as one chunk.
    init(_ rows: [[UInt8]]) {
        if !rows.isEmpty { append(LiveRowChunk(rows: rows)) }
    }

    var isEmpty: Bool { count == 0 }

    mutating func append(_ chunk: LiveRowChunk) {
        guard chunk.count > 0 else { return }
        chunks.append(chunk)
        count += chunk.count
    }

    mutating func append(contentsOf other: LiveRows) {
        guard !other.isEmpty else { return }
        if isEmpty { return self = other }
        // `other` may have dropped rows of its first chunk: those are copied out as a chunk of their own.
        var remaining = other.chunks[...]
        if other.start > 0 {
            let first = remaining.removeFirst()
            let from = first.start(of: other.start)
            append(LiveRowChunk(bytes: Array(first.bytes[from...]), ends: first.ends[other.start...].map { $0 - from }))
        }
        for chunk in remaining { append(chunk) }
    }

    /// Drops the oldest `n` rows (all of them when there are fewer).
    mutating func dropFirst(_ n: Int) {
        var left = Swift.min(n, count)
        count -= left
        while left > 0 {
            let available = chunks[0].count - start
            if left >= available {
                chunks.removeFirst()
                start = 0
                left -= available
            } else {
                start += left
                left = 0
            }
        }
    }

    /// Appends the rows' objects, separated by commas.
    func write(to output: inout [UInt8]) {
        for (index, chunk) in chunks.enumerated() {
            if index == 0 {
                output.append(contentsOf: chunk.bytes[chunk.start(of: start)...])
            } else {
                output.append(UInt8(ascii: ","))
                output.append(contentsOf: chunk.bytes)
            }
        }
    }

    /// Bytes `write` appends.
    var byteCount: Int {
        guard let first = chunks.first else { return 0 }
        return chunks.reduce(0) { $0 + $1.bytes.count + 1 } - 1 - first.start(of: start)
    }

    /// Each row's object on its own (tests, and callers that need rows one by one).
    func makeIterator() -> AnyIterator<[UInt8]> {
        var chunkIndex = 0
        var row = start
        let chunks = chunks
        return AnyIterator {
            while chunkIndex < chunks.count {
                let chunk = chunks[chunkIndex]
                if row < chunk.count {
                    defer { row += 1 }
                    return Array(chunk.bytes[chunk.start(of: row)..<chunk.ends[row]])
                }
                chunkIndex += 1
                row = 0
            }
            return nil
        }
    }

    /// Same rows, however they are chunked.
    static func == (lhs: LiveRows, rhs: LiveRows) -> Bool {
        lhs.count == rhs.count && lhs.elementsEqual(rhs)
    }
}
