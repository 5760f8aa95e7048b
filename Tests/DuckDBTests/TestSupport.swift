import DuckDB
import Foundation

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
