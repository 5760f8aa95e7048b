import DuckDB
import Foundation

/// A folder under the system's temporary directory, removed when the value is released.
final class TemporaryDirectory: Sendable {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("tradewatch-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    deinit { try? FileManager.default.removeItem(at: url) }
}

/// The process's resident set size in bytes, from /proc/self/statm.
func residentMemoryBytes() -> Int {
    guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
    let fields = text.split(separator: " ")
    guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
    return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
}

extension Connection {
    /// The single value of a one-row, one-column query.
    func scalar(_ sql: String, _ parameters: [DuckDBValue] = []) throws -> DuckDBValue {
        let rows = try query(sql, parameters).rows()
        guard rows.count == 1, rows[0].count == 1 else {
            throw DuckDBError(operation: .read, kind: .invalidArgument, message: "expected one value from \(sql), got \(rows)")
        }
        return rows[0][0]
    }
}
