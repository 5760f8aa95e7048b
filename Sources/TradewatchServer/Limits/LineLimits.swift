import Glibc
import TradewatchIngest

/// Checks a line-protocol body against ``IngestLimits/maxLines`` and
/// ``IngestLimits/maxLineBytes`` before it is parsed, in one `memchr` pass. Lines are counted
/// as the parser counts them (every `\n` ends one), so the line an error names is the same.
enum LineLimits {
    enum Violation: Equatable {
        case tooManyLines(limit: Int)
        /// `line` is 1-based; `bytes` is its length without the line break.
        case lineTooLong(line: Int, bytes: Int, limit: Int)
    }

    static func check(_ bytes: UnsafeRawBufferPointer, maxLines: Int, maxLineBytes: Int) -> Violation? {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return nil }
        var start = 0
        var line = 0
        while start < bytes.count {
            line += 1
            if line > maxLines { return .tooManyLines(limit: maxLines) }
            let end: Int
            if let found = memchr(base + start, 0x0A, bytes.count - start) {
                end = base.distance(to: UnsafeRawPointer(found))
            } else {
                end = bytes.count
            }
            var length = end - start
            if length > 0, bytes[end - 1] == 0x0D { length -= 1 }
            if length > maxLineBytes { return .lineTooLong(line: line, bytes: length, limit: maxLineBytes) }
            start = end + 1
        }
        return nil
    }

    /// The error a violation becomes: too many lines is `413` (a smaller batch passes), a long
    /// line `400` (the line itself must change).
    static func error(_ violation: Violation) -> IngestError {
        switch violation {
        case .tooManyLines(let limit):
            .tooLarge("the request has more than \(limit) lines (--max-lines); send fewer lines per request")
        case .lineTooLong(let line, let bytes, let limit):
            .invalid("line \(line) is \(bytes) bytes long; a line may have at most \(limit) bytes (--max-line-bytes)")
        }
    }

    static func limit(_ violation: Violation) -> RequestLimit {
        switch violation {
        case .tooManyLines: .lines
        case .lineTooLong: .lineLength
        }
    }
}
