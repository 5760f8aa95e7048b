import Foundation
import TradewatchTestSupport
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Synchronization
import Testing

/// One HTTP exchange with a real server, for the archive and backup tests.
struct ArchiveAnswer: Sendable {
    let status: Int
    let headers: [String: String]
    let body: Data
    var text: String { String(decoding: body, as: UTF8.self) }
    var json: [String: any Sendable] { ((try? JSONSerialization.jsonObject(with: body)) as? [String: any Sendable]) ?? [:] }
}

/// HTTP calls, commands and data the archive and backup tests share.
enum ArchiveHTTP {
    static let day: Int64 = 86_400_000_000_000

    static func send(
        _ base: URL, _ pathAndQuery: String, method: String = "GET", body: String? = nil
    ) async throws -> ArchiveAnswer {
        var request = URLRequest(url: URL(string: base.absoluteString + pathAndQuery)!, timeoutInterval: 120)
        request.httpMethod = method
        request.httpBody = body.map { Data($0.utf8) }
        let (data, response) = try await URLSession.shared.data(for: request)
        let http = response as? HTTPURLResponse
        var headers: [String: String] = [:]
        for (name, value) in http?.allHeaderFields ?? [:] {
            headers[String(describing: name).lowercased()] = String(describing: value)
        }
        return ArchiveAnswer(status: http?.statusCode ?? 0, headers: headers, body: data)
    }

    /// Writes line protocol with nanosecond timestamps; returns the acknowledged commit.
    @discardableResult
    static func write(_ base: URL, _ lines: [String]) async throws -> Int {
        let answer = try await send(base, "/api/v2/write?precision=ns", method: "POST", body: lines.joined(separator: "\n"))
        #expect(answer.status == 204, "write failed: \(answer.text)")
        return Int(answer.headers["x-tradewatch-commit"] ?? "") ?? -1
    }

    /// Makes each SQL check's cache key unique: checks must see the rows as they are now.
    private static let checks = Atomic<Int>(0)

    /// The rows of a read-only SQL query, never from the cache.
    static func sql(_ base: URL, _ sql: String) async throws -> [[any Sendable]] {
        let maxRows = 1_000_000 - checks.wrappingAdd(1, ordering: .relaxed).oldValue
        let body = String(
            decoding: try JSONSerialization.data(withJSONObject: ["sql": sql, "max_rows": maxRows] as [String: any Sendable]),
            as: UTF8.self)
        let answer = try await send(base, "/api/v1/query", method: "POST", body: body)
        #expect(answer.status == 200, "\(sql): \(answer.text)")
        return (answer.json["rows"] as? [[any Sendable]]) ?? []
    }

    /// The single integer a SQL query answers.
    static func number(_ base: URL, _ query: String) async throws -> Int {
        let rows = try await sql(base, query)
        return (rows.first?.first as? Int) ?? (rows.first?.first as? NSNumber)?.intValue ?? -1
    }

    /// Runs the archiver now; returns its report.
    static func archive(_ base: URL) async throws -> [String: any Sendable] {
        let answer = try await send(base, "/api/v1/admin/archive", method: "POST")
        #expect(answer.status == 200, "archive run failed: \(answer.text)")
        return answer.json
    }

    /// Waits until the trades rollup holds every commit: the archiver only moves trades the
    /// rollup has folded.
    static func waitForRollup(_ base: URL) async throws {
        for _ in 0..<200 {
            let behind = try await number(
                base, "SELECT count(*) FROM main.trades WHERE commit_seq > (SELECT watermark FROM tradewatch_rollups WHERE name = 'trades_1m')")
            if behind == 0 { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("the trades rollup did not catch up within 10 s")
    }

    /// Runs `tradewatch` with `arguments` to its end.
    static func command(_ arguments: [String]) async throws -> (status: Int32, output: String, errors: String) {
        try await ServerProcess.run(arguments, timeout: .seconds(120))
    }

    /// Sets `table`'s retention with `tradewatch retention set`.
    static func retain(_ table: String, _ options: [String], dataDirectory: String) async throws {
        let result = try await command(["retention", "set", table] + options + ["--data-dir", dataDirectory])
        #expect(result.status == 0, "retention set \(table) failed: \(result.errors)")
    }

    /// RFC 3339 of epoch nanoseconds, for query parameters.
    static func time(_ nanoseconds: Int64) -> String {
        let seconds = Double(nanoseconds / 1_000_000_000)
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: Date(timeIntervalSince1970: seconds))
    }

    /// Start of today (UTC) in nanoseconds.
    static func today() -> Int64 {
        let now = Int64(Date().timeIntervalSince1970) * 1_000_000_000
        return now - now % day
    }

    /// Rows of every table on the day starting at `dayStart`, at whole minutes from 01:00 UTC;
    /// `tag` makes ids unique. Two trades share a timestamp, to check ties keep their order.
    static func rows(dayStart: Int64, tag: String) -> [String] {
        let minute: Int64 = 60_000_000_000
        var lines: [String] = []
        for index in 0..<20 {
            let ts = dayStart + 60 * minute + Int64(index) * 7 * minute + (index == 5 ? -7 * minute : 0)
            let symbol = index.isMultiple(of: 3) ? "MSFT" : "AAPL"
            let side = index.isMultiple(of: 2) ? "buy" : "sell"
            lines.append("trades,symbol=\(symbol),venue=V\(index % 2),side=\(side),trade_id=\(tag)-t\(index) price=\(100 + Double(index) * 0.25),qty=\(index + 1) \(ts)")
            lines.append("quotes,symbol=\(symbol),venue=V\(index % 2) bid=\(99.9 + Double(index) * 0.25),ask=\(100.1 + Double(index) * 0.25),bid_size=5,ask_size=7 \(ts - minute / 2)")
            lines.append("latency,symbol=\(symbol),desk=eq value=\(Double(index * 3 % 11) + 0.5) \(ts + 1_000)")
            if index.isMultiple(of: 4) {
                lines.append("executions,order_id=\(tag)-o\(index),strategy=mm,symbol=\(symbol),side=\(side),venue=V0,correlation_id=\(tag)-c\(index) qty=\(index + 1),price=\(100.05 + Double(index) * 0.25),fee=0.1,latency_us=\(100 + index)i \(ts + 2_000)")
                lines.append("candles,symbol=IBM,interval=1m open=\(index),high=\(index + 2),low=\(index),close=\(index + 1),volume=\(10 * index) \(ts)")
                lines.append("performance,strategy=mm pnl=\(Double(index) - 3.5),position=\(index) \(ts + 3_000)")
                lines.append("logs,level=info,service=oms,correlation_id=\(tag)-c\(index) message=\"fill \(tag) \(index)\" \(ts + 4_000)")
            }
        }
        return lines
    }

    static let tables = ["metrics", "trades", "quotes", "candles", "executions", "performance", "logs"]

    /// Whether two answers are the same: equal text, or JSON documents equal but for the last
    /// bits of floating-point numbers (an average sums its values in whatever order DuckDB
    /// reads them, and Parquet files are read in another order than DuckDB's own blocks).
    static func same(_ first: String, _ second: String) -> Bool {
        guard first != second else { return true }
        guard let a = try? JSONSerialization.jsonObject(with: Data(first.utf8)),
            let b = try? JSONSerialization.jsonObject(with: Data(second.utf8))
        else { return false }
        return sameJSON(a, b)
    }

    private static func sameJSON(_ a: Any, _ b: Any) -> Bool {
        switch (a, b) {
        case (let a as [String: Any], let b as [String: Any]):
            return a.keys.sorted() == b.keys.sorted() && a.allSatisfy { key, value in sameJSON(value, b[key]!) }
        case (let a as [Any], let b as [Any]):
            return a.count == b.count && zip(a, b).allSatisfy { sameJSON($0, $1) }
        case (let a as NSNumber, let b as NSNumber):
            let (x, y) = (a.doubleValue, b.doubleValue)
            return x == y || abs(x - y) <= 1e-12 * max(abs(x), abs(y))
        case (let a as String, let b as String): return a == b
        case (is NSNull, is NSNull): return true
        default: return false
        }
    }
}
