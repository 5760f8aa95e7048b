// Appends (ts, symbol, price, qty) rows through the Swift wrapper and through the same loop in C,
// side by side in one process, then times a streamed scan and an aggregate. Run:
//   make bench            (or: swift run -c release duckdb-benchmark [rows] [rounds])
import CAppenderBaseline
import DuckDB
import Foundation

let arguments = CommandLine.arguments.dropFirst().compactMap { Int($0) }
let rows = arguments.first ?? 5_000_000
let rounds = arguments.dropFirst().first ?? 3
let symbols = ["AAPL", "MSFT", "NVDA", "BTC-USD", "ETH-USD", "EURUSD", "ES.FUT", "TSLA"]
let baseMicros: Int64 = 1_767_225_600_000_000  // 2026-01-01T00:00:00Z, as in the C baseline

let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tradewatch-bench-\(getpid())")
try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: folder) }

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

func swiftAppend(path: String) throws -> Double {
    let database = try Database(path: path)
    let connection = try database.connect()
    try connection.execute("CREATE OR REPLACE TABLE bench (ts TIMESTAMP, symbol VARCHAR, price DOUBLE, qty DOUBLE)")
    let clock = ContinuousClock()
    let start = clock.now
    let appender = try connection.appender(table: "bench")
    for i in 0..<rows {
        let row = Int64(i)
        try appender.append(Timestamp(microsecondsSinceEpoch: baseMicros + row * 1000))
        try appender.append(symbols[i % 8])
        try appender.append(100.0 + Double(i % 1000) * 0.01)
        try appender.append(Double(i % 100 + 1))
        try appender.endRow()
    }
    try appender.close()
    return seconds(clock.now - start)
}

func cAppend(path: String) throws -> Double {
    var error = [CChar](repeating: 0, count: 512)
    let elapsed = tw_c_append_rows(path, "bench", Int64(rows), &error, Int32(error.count))
    guard elapsed >= 0 else {
        let message = String(decoding: error.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        throw DuckDBError(operation: .append, kind: .other(code: -1), message: message)
    }
    return elapsed
}

func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
func rate(_ elapsed: Double) -> String { String(format: "%.2fM rows/s", Double(rows) / elapsed / 1e6) }

print("DuckDB \(Database.libraryVersion); \(rows) rows of (ts TIMESTAMP, symbol VARCHAR, price DOUBLE, qty DOUBLE); \(rounds) rounds, alternating")
var swiftTimes: [Double] = []
var cTimes: [Double] = []
for round in 1...rounds {
    // Alternate which goes first so neither always gets the warmer cache.
    let order = round % 2 == 1 ? ["c", "swift"] : ["swift", "c"]
    for side in order {
        let path = folder.appendingPathComponent("\(side)-\(round).duckdb").path
        let elapsed = side == "c" ? try cAppend(path: path) : try swiftAppend(path: path)
        (side == "c" ? { cTimes.append(elapsed) } : { swiftTimes.append(elapsed) })()
        print("  round \(round) \(side == "c" ? "C appender    " : "Swift wrapper "): \(String(format: "%.3f", elapsed)) s  \(rate(elapsed))")
        try? FileManager.default.removeItem(atPath: path)
    }
}
let ratio = median(swiftTimes) / median(cTimes)
print("append, median: C \(rate(median(cTimes))), Swift wrapper \(rate(median(swiftTimes))); wrapper/C time ratio \(String(format: "%.3f", ratio)) (\(String(format: "%+.1f", (ratio - 1) * 100))%)")

// Scan and aggregate over the wrapper's table.
let scanPath = folder.appendingPathComponent("scan.duckdb").path
_ = try swiftAppend(path: scanPath)
let database = try Database(path: scanPath)
let connection = try database.connect()
let clock = ContinuousClock()

var start = clock.now
let result = try connection.query("SELECT ts, symbol, price, qty FROM bench")
var scanned = 0
var checksum = 0.0
while let chunk = try result.nextChunk() {
    let prices = try chunk.column(2, as: Double.self)
    let names = try chunk.column(1, as: String.self)
    for row in 0..<chunk.count {
        checksum += prices[row] ?? 0
        scanned += names[row]?.utf8.count ?? 0 > 0 ? 1 : 0
    }
}
let scanTime = seconds(clock.now - start)
print("streamed scan of all rows through the wrapper (reading price and symbol): \(String(format: "%.3f", scanTime)) s, \(rate(scanTime)) (rows \(scanned), checksum \(String(format: "%.0f", checksum)))")

start = clock.now
let aggregate = try connection.query("""
    SELECT symbol, count(*) AS trades, avg(price) AS avg_price, sum(qty) AS volume,
           sum(price * qty) / sum(qty) AS vwap, min(ts) AS first_ts, max(ts) AS last_ts
    FROM bench GROUP BY symbol ORDER BY symbol
    """).rows()
let aggregateTime = seconds(clock.now - start)
print("aggregate (count, avg, sum, vwap, min/max ts by symbol): \(String(format: "%.3f", aggregateTime)) s over \(rows) rows, \(aggregate.count) groups")

start = clock.now
let buckets = try connection.query("""
    SELECT time_bucket(INTERVAL 1 MINUTE, ts) AS bucket, symbol, first(price ORDER BY ts), max(price), min(price),
           last(price ORDER BY ts), sum(qty)
    FROM bench GROUP BY ALL
    """).rows()
let bucketTime = seconds(clock.now - start)
print("1-minute OHLCV buckets by symbol: \(String(format: "%.3f", bucketTime)) s, \(buckets.count) buckets")
