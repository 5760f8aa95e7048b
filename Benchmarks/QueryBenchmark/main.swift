// query-benchmark: the query side of the comparison run by scripts/bench-query.sh. It loads the
// trades workload of ingest-benchmark with timestamps spread over a chosen span, then times the
// same four questions through Tradewatch's HTTP API, directly on its DuckDB file, and through
// VictoriaMetrics' Prometheus API, appending one tab-separated line per measurement to a results
// file that `report` prints as a table with the goals.
//
//   query-benchmark load --url http://127.0.0.1:8080/write --rows 1000000 --end-ns E --span-ns S
//   query-benchmark load-metrics --url http://127.0.0.1:8080/write --end-ns E
//   query-benchmark wait-rollup --url http://127.0.0.1:8080
//   query-benchmark http --system tradewatch|victoria-metrics --url BASE --rows N --end-ns E --span-ns S --results FILE
//   query-benchmark duckdb --path DATA/analytics.duckdb --rows N --end-ns E --span-ns S --results FILE
//   query-benchmark report --results FILE
//
// Queries: q1 one-minute avg/min/max price and summed qty of SYM7 over the last 6 hours; q2 the
// latest price of all 200 symbols; q3 one-minute OHLCV of SYM42 over the whole span; q4 the row
// count per venue. Latencies are of sequential requests on one keep-alive connection (`--requests`
// after `--warmup`, each query stopped after `--budget-s` seconds), full response read.
import DuckDB
import Foundation
import Synchronization
import TradewatchQuery

// MARK: - Command line

struct Arguments {
    let command: String
    private var values: [String: String] = [:]
    private var read: Set<String> = []

    init(_ arguments: [String]) {
        var remaining = arguments.dropFirst().makeIterator()
        command = remaining.next() ?? "help"
        while let name = remaining.next() {
            guard name.hasPrefix("--"), let value = remaining.next() else { fail("expected --name value pairs, not \(name)") }
            values[String(name.dropFirst(2))] = value
        }
    }

    mutating func string(_ name: String, default defaultValue: String? = nil) -> String {
        read.insert(name)
        guard let value = values[name] ?? defaultValue else { fail("--\(name) is required") }
        return value
    }

    mutating func integer<T: FixedWidthInteger>(_ name: String, default defaultValue: T? = nil) -> T {
        let text = string(name, default: defaultValue.map { "\($0)" })
        guard let value = T(text) else { fail("--\(name) \(text) is not a whole number") }
        return value
    }

    func rejectUnknown() {
        if let unknown = values.keys.sorted().first(where: { !read.contains($0) }) { fail("unknown option --\(unknown)") }
    }
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("query-benchmark: \(message)\n".utf8))
    exit(1)
}

func milliseconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) * 1_000 + Double(duration.components.attoseconds) / 1e15
}

// MARK: - Workload

/// SplitMix64, as in ingest-benchmark.
struct Random {
    var state: UInt64
    mutating func next(below bound: UInt64) -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return (z ^ (z >> 31)) % bound
    }
}

/// ingest-benchmark's trades (200 symbols, 4 venues, buy/sell, price 10.00–999.99, qty 1–1000,
/// same line format) with timestamps evenly spread: row i is at `first + i × step`, step =
/// span / rows, so every row lies in [end − span, end). Each request's lines come from a
/// generator seeded by the request's index, so any system gets exactly the same rows.
struct Workload: Sendable {
    static let symbols = (0..<200).map { "SYM\($0)" }
    static let venues = ["XNAS", "XNYS", "BATS", "ARCX"]
    static let minute: Int64 = 60_000_000_000

    let rows: Int
    let endNanoseconds: Int64
    let spanNanoseconds: Int64
    var batch = 5_000
    var seed: UInt64 = 42

    var step: Int64 { spanNanoseconds / Int64(rows) }
    var firstTimestamp: Int64 { endNanoseconds - Int64(rows) * step }
    var requestCount: Int { (rows + batch - 1) / batch }

    func body(_ request: Int) -> [UInt8] {
        var random = Random(state: seed &+ UInt64(request) &* 0xD1B5_4A32_D192_ED03)
        let first = request * batch
        var text = ""
        text.reserveCapacity(batch * 100)
        for row in first..<min(rows, first + batch) {
            let cents = 1_000 + random.next(below: 99_000)
            let fraction = cents % 100 < 10 ? "0\(cents % 100)" : "\(cents % 100)"
            text += "trades,symbol=\(Self.symbols[Int(random.next(below: 200))]),venue=\(Self.venues[Int(random.next(below: 4))])"
            text += random.next(below: 2) == 0 ? ",side=buy" : ",side=sell"
            text += " price=\(cents / 100).\(fraction),qty=\(1 + random.next(below: 1_000))i \(firstTimestamp + Int64(row) * step)\n"
        }
        return Array(text.utf8)
    }
}

// MARK: - HTTP

struct HTTPResponse {
    let status: Int
    let headers: [String: String]
    let body: [UInt8]
    var text: String { String(decoding: body, as: UTF8.self) }
}

/// HTTP/1.1 with keep-alive over a blocking POSIX socket; any transport error ends the run. When
/// the server answers `Connection: close`, the next request opens a new connection (and its
/// time counts, as it would for any client).
struct HTTPConnection {
    static let timeoutSeconds = 300
    let host: String
    let port: Int
    private var socket: Int32
    private var closedByServer = false
    private var buffer: [UInt8] = []
    private var offset = 0
    private var scratch = [UInt8](repeating: 0, count: 1 << 16)

    init(_ base: URL) {
        guard base.scheme == "http", let host = base.host, let port = base.port else { fail("\(base) must be http://HOST:PORT") }
        self.host = host
        self.port = port
        socket = Self.connect(host: host, port: port)
    }

    private static func connect(host: String, port: Int) -> Int32 {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else { fail("host \(host) is not an IPv4 address") }
        let socket = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { fail("socket: \(String(cString: strerror(errno)))") }
        var on: Int32 = 1
        setsockopt(socket, Int32(IPPROTO_TCP), TCP_NODELAY, &on, socklen_t(MemoryLayout<Int32>.size))
        // A server that stops answering ends the run instead of hanging it.
        var timeout = timeval(tv_sec: Self.timeoutSeconds, tv_usec: 0)
        setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(socket, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Foundation.connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { fail("connect to \(host):\(port): \(String(cString: strerror(errno)))") }
        return socket
    }

    func close() { _ = Foundation.close(socket) }

    mutating func get(_ target: String) -> HTTPResponse { request("GET", target, body: []) }

    mutating func post(_ target: String, body: [UInt8], contentType: String) -> HTTPResponse {
        request("POST", target, body: body, contentType: contentType)
    }

    private mutating func request(_ method: String, _ target: String, body: [UInt8], contentType: String? = nil) -> HTTPResponse {
        if closedByServer {
            close()
            socket = Self.connect(host: host, port: port)
            buffer = []
            offset = 0
            closedByServer = false
        }
        var head = "\(method) \(target) HTTP/1.1\r\nHost: \(host):\(port)\r\n"
        if let contentType { head += "Content-Type: \(contentType)\r\nContent-Length: \(body.count)\r\n" }
        send(Array((head + "\r\n").utf8) + body)
        let response = readResponse()
        closedByServer = response.headers["connection"]?.lowercased() == "close"
        return response
    }

    private func send(_ bytes: [UInt8]) {
        var sentTotal = 0
        while sentTotal < bytes.count {
            let sent = bytes.withUnsafeBytes { Foundation.send(socket, $0.baseAddress! + sentTotal, $0.count - sentTotal, Int32(MSG_NOSIGNAL)) }
            guard sent > 0 else { fail("send: \(String(cString: strerror(errno)))") }
            sentTotal += sent
        }
    }

    private mutating func readResponse() -> HTTPResponse {
        // Only between responses, so that offsets held while reading one stay valid.
        buffer.removeFirst(offset)
        offset = 0
        let statusLine = String(decoding: line(), as: UTF8.self)
        let status = Int(statusLine.split(separator: " ").dropFirst().first ?? "") ?? 0
        var headers: [String: String] = [:]
        while case let header = line(), !header.isEmpty {
            let text = String(decoding: header, as: UTF8.self)
            guard let colon = text.firstIndex(of: ":") else { continue }
            headers[text[..<colon].lowercased()] = text[text.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        var body: [UInt8] = []
        if let length = headers["content-length"].flatMap({ Int($0) }) {
            body = take(length)
        } else if headers["transfer-encoding"]?.lowercased() == "chunked" {
            while true {
                let size = Int(String(decoding: line(), as: UTF8.self).split(separator: ";").first ?? "", radix: 16) ?? 0
                if size == 0 {
                    while !line().isEmpty {}  // trailers
                    break
                }
                body += take(size)
                _ = line()
            }
        }
        return HTTPResponse(status: status, headers: headers, body: body)
    }

    /// The next line, without its CRLF.
    private mutating func line() -> ArraySlice<UInt8> {
        var searched = offset
        while true {
            while searched + 1 < buffer.count {
                if buffer[searched] == 13, buffer[searched + 1] == 10 {
                    let line = buffer[offset..<searched]
                    offset = searched + 2
                    return line
                }
                searched += 1
            }
            receive()
        }
    }

    private mutating func take(_ count: Int) -> [UInt8] {
        while buffer.count - offset < count { receive() }
        defer { offset += count }
        return Array(buffer[offset..<offset + count])
    }

    private mutating func receive() {
        let count = scratch.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { fail("\(host):\(port) closed the connection or failed: \(count < 0 ? String(cString: strerror(errno)) : "EOF")") }
        buffer += scratch[..<count]
    }
}

/// Percent-encodes a query-string value.
func encoded(_ value: String) -> String {
    let unreserved = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~")
    return value.addingPercentEncoding(withAllowedCharacters: unreserved)!
}

func json(_ response: HTTPResponse) -> [String: Any] {
    (try? JSONSerialization.jsonObject(with: Data(response.body))) as? [String: Any] ?? [:]
}

// MARK: - Loading

/// Hands out request indexes to the loading threads.
final class Progress: Sendable {
    private let next = Atomic(0)
    func take(below count: Int) -> Int? {
        let index = next.add(1, ordering: .relaxed).oldValue
        return index < count ? index : nil
    }
}

/// Sends every request of `workload` to `url` over `connections` keep-alive connections.
func load(_ workload: Workload, url: URL, connections: Int) {
    let progress = Progress()
    let started = ContinuousClock.now
    let finished = DispatchGroup()
    var target = url.path.isEmpty ? "/" : url.path
    if let query = url.query { target += "?" + query }
    for _ in 0..<connections {
        finished.enter()
        Thread { [target] in
            var connection = HTTPConnection(url)
            while let index = progress.take(below: workload.requestCount) {
                let response = connection.post(target, body: workload.body(index), contentType: "text/plain; charset=utf-8")
                guard (200..<300).contains(response.status) else { fail("request \(index) answered \(response.status): \(response.text)") }
            }
            connection.close()
            finished.leave()
        }.start()
    }
    finished.wait()
    let seconds = milliseconds(ContinuousClock.now - started) / 1_000
    print("loaded \(workload.rows) rows in \(workload.requestCount) requests into \(url.absoluteString) in "
        + String(format: "%.1f s (%.0f rows/s)", seconds, Double(workload.rows) / seconds)
        + "; timestamps \(iso(workload.firstTimestamp)) to \(iso(workload.endNanoseconds - workload.step)), step \(workload.step) ns")
}

func iso(_ nanoseconds: Int64) -> String {
    let formatter = ISO8601DateFormatter()
    return formatter.string(from: Date(timeIntervalSince1970: Double(nanoseconds) / 1e9))
}

/// `order_latency` p50 and p99 of every symbol, 50 points each over the minute before `end`:
/// 20,000 metrics rows whose latest values `/api/v1/metrics/latest` serves.
func loadMetrics(url: URL, endNanoseconds: Int64) {
    var text = ""
    for point in 0..<50 {
        for (index, symbol) in Workload.symbols.enumerated() {
            let timestamp = endNanoseconds - Workload.minute + Int64(point) * 1_000_000_000 + Int64(index)
            text += "order_latency,symbol=\(symbol),strategy=mm p50=\(100 + (point * 7 + index) % 50)i,p99=\(400 + (point * 13 + index) % 300)i \(timestamp)\n"
        }
    }
    var connection = HTTPConnection(url)
    let response = connection.post(url.path, body: Array(text.utf8), contentType: "text/plain; charset=utf-8")
    guard (200..<300).contains(response.status) else { fail("loading metrics answered \(response.status): \(response.text)") }
    print("loaded 20000 metrics rows (order_latency p50/p99 of 200 symbols)")
}

// MARK: - Measuring

/// One line of the results file.
struct Result {
    let rows: Int
    let query: String
    let system: String
    let mode: String
    let latencies: [Double]
    /// Bytes of the answer (HTTP) or rows returned (DuckDB).
    let size: String
    let note: String

    func percentile(_ p: Double) -> Double {
        let sorted = latencies.sorted()
        guard !sorted.isEmpty else { return .nan }
        return sorted[max(0, min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.up)) - 1))]
    }

    var line: String {
        let figures = [0.5, 0.95, 0.99].map { String(format: "%.3f", percentile($0)) }
        return (["query", "\(rows)", query, system, mode, "\(latencies.count)"] + figures + [size, note]).joined(separator: "\t")
    }
}

/// What one timed run returned: its size, and a description computed only after the timing.
struct Answer {
    let size: Int
    let describe: () -> String
}

struct Measurer {
    let rows: Int
    let warmup: Int
    let requests: Int
    let budget: Duration
    let results: URL

    /// Runs `body` `warmup` times, then up to `requests` times within the budget, timing each
    /// run; `body` gets the run's index.
    func measure(_ query: String, _ system: String, _ mode: String, _ body: (Int) throws -> Answer) rethrows {
        var last = Answer(size: 0, describe: { "" })
        for index in 0..<warmup { last = try body(index) }
        var latencies: [Double] = []
        let started = ContinuousClock.now
        for index in warmup..<(warmup + requests) where ContinuousClock.now - started < budget {
            let begin = ContinuousClock.now
            last = try body(index)
            latencies.append(milliseconds(ContinuousClock.now - begin))
        }
        let note = last.describe()
        let result = Result(rows: rows, query: query, system: system, mode: mode, latencies: latencies, size: "\(last.size)", note: note)
        print("  \(query) \(pad(system, 17)) \(pad(mode, 42)) n=\(pad(latencies.count, 4, right: true))"
            + String(format: " p50 %8.3f ms  p95 %8.3f ms  p99 %8.3f ms  ", result.percentile(0.5), result.percentile(0.95), result.percentile(0.99))
            + note)
        append(result.line)
    }

    func append(_ line: String) {
        guard let handle = try? FileHandle(forWritingTo: results) else { fail("cannot write \(results.path)") }
        handle.seekToEndOfFile()
        handle.write(Data((line + "\n").utf8))
        try? handle.close()
    }
}

/// The windows every system is asked about.
struct Windows {
    static let q1Symbol = "SYM7"
    static let q3Symbol = "SYM42"
    static let q1Span: Int64 = 6 * 60 * Workload.minute

    let end: Int64
    let span: Int64
    var q1Start: Int64 { end - Self.q1Span }
    /// q3 covers every row: from the minute the first row falls in to the end.
    var q3Start: Int64 { (end - span) / Workload.minute * Workload.minute }
}

// MARK: - Tradewatch over HTTP

func benchmarkTradewatch(_ measurer: Measurer, base: URL, windows: Windows) {
    var connection = HTTPConnection(base)
    func checked(_ target: String, expectCache: String?, _ response: HTTPResponse) -> HTTPResponse {
        guard response.status == 200 else { fail("\(target) answered \(response.status): \(response.text)") }
        if let expectCache, response.headers["x-tradewatch-cache"] != expectCache {
            fail("\(target) answered with X-Tradewatch-Cache \(response.headers["x-tradewatch-cache"] ?? "none"), expected \(expectCache)")
        }
        return response
    }
    func candles(_ symbol: String, start: Int64, cold: Bool) -> (Int) -> Answer {
        { index in
            // A cold request moves `end` back by a nanosecond: a new cache key, the same whole buckets.
            let end = cold ? windows.end - Int64(index + 1) : windows.end
            let target = "/api/v1/candles?symbol=\(symbol)&interval=1m&start=\(start)&end=\(end)"
            let response = checked(target, expectCache: cold ? "miss" : (index == 0 ? nil : "hit"), connection.get(target))
            return Answer(size: response.body.count) { "\((json(response)["rows"] as? [Any])?.count ?? -1) candles" }
        }
    }
    measurer.measure("q1", "tradewatch", "cold (cache defeated)", candles(Windows.q1Symbol, start: windows.q1Start, cold: true))
    measurer.measure("q1", "tradewatch", "cached (X-Tradewatch-Cache: hit)", candles(Windows.q1Symbol, start: windows.q1Start, cold: false))

    let symbols = Workload.symbols.joined(separator: ",")
    measurer.measure("q2", "tradewatch", "from memory (never cached)") { _ in
        let target = "/api/v1/trades/latest?symbol=\(symbols)"
        let response = checked(target, expectCache: nil, connection.get(target))
        return Answer(size: response.body.count) { "\((json(response)["rows"] as? [Any])?.count ?? -1) symbols" }
    }

    measurer.measure("q3", "tradewatch", "cold (cache defeated)", candles(Windows.q3Symbol, start: windows.q3Start, cold: true))
    measurer.measure("q3", "tradewatch", "cached (X-Tradewatch-Cache: hit)", candles(Windows.q3Symbol, start: windows.q3Start, cold: false))

    func venueCounts(cold: Bool) -> (Int) -> Answer {
        { index in
            // A comment changes the cache key and nothing else.
            let sql = "SELECT venue, count(*) FROM trades GROUP BY venue" + (cold ? " /* \(index) */" : "")
            let body = try! JSONSerialization.data(withJSONObject: ["sql": sql])
            let response = checked(
                "/api/v1/query", expectCache: cold ? "miss" : (index == 0 ? nil : "hit"),
                connection.post("/api/v1/query", body: Array(body), contentType: "application/json"))
            return Answer(size: response.body.count) {
                let rows = json(response)["rows"] as? [[Any]] ?? []
                let total = rows.reduce(0) { $0 + (($1.last as? NSNumber)?.intValue ?? 0) }
                let closes = response.headers["connection"]?.lowercased() == "close" ? " (Connection: close: a new TCP connection each)" : ""
                return "\(rows.count) venues, \(total) rows\(closes)"
            }
        }
    }
    measurer.measure("q4", "tradewatch", "cold (cache defeated)", venueCounts(cold: true))
    measurer.measure("q4", "tradewatch", "cached (X-Tradewatch-Cache: hit)", venueCounts(cold: false))
    connection.close()
}

/// Waits until the one-minute rollup has folded every trade, so candles are served as in
/// steady state; returns how long that took, or nil when the server has no rollup. Ends the run
/// after `timeout`.
func waitForRollup(base: URL, timeout: Duration) -> Double? {
    var connection = HTTPConnection(base)
    defer { connection.close() }
    let started = ContinuousClock.now
    var attempt = 0
    while ContinuousClock.now - started < timeout {
        attempt += 1
        // The comment keeps the query cache from answering an old poll.
        let sql = "SELECT (SELECT watermark FROM tradewatch_rollups WHERE name = 'trades_1m') >= (SELECT max(commit_seq) FROM trades) /* \(attempt) */"
        let body = try! JSONSerialization.data(withJSONObject: ["sql": sql])
        let response = connection.post("/api/v1/query", body: Array(body), contentType: "application/json")
        guard response.status == 200 else {
            print("no trades rollup to wait for (\(response.status)): \(response.text.prefix(200))")
            return nil
        }
        if (json(response)["rows"] as? [[Any]])?.first?.first as? Bool == true {
            return milliseconds(ContinuousClock.now - started) / 1_000
        }
        Thread.sleep(forTimeInterval: 0.5)
    }
    fail("the trades rollup had not caught up after \(timeout)")
}

// MARK: - VictoriaMetrics over HTTP

func benchmarkVictoriaMetrics(_ measurer: Measurer, base: URL, windows: Windows, rows: Int) {
    var connection = HTTPConnection(base)
    let endSeconds = windows.end / 1_000_000_000
    let success = Array(#"{"status":"success""#.utf8)
    func call(_ path: String, _ parameters: [(String, String)], cold: Bool) -> HTTPResponse {
        let all = parameters + (cold ? [("nocache", "1")] : [])
        let target = path + "?" + all.map { "\($0.0)=\(encoded($0.1))" }.joined(separator: "&")
        let response = connection.get(target)
        guard response.status == 200, response.body.starts(with: success) else {
            fail("VictoriaMetrics answered \(response.status) to \(target): \(response.text.prefix(300))")
        }
        return response
    }
    func series(_ response: HTTPResponse) -> [[String: Any]] {
        (json(response)["data"] as? [String: Any])?["result"] as? [[String: Any]] ?? []
    }
    /// Range queries at every minute of (start, end]: each point's [1m] window is the minute
    /// before it, so the points cover the same buckets as Tradewatch's candles.
    func range(_ queries: [String], start: Int64, cold: Bool) -> (Int) -> Answer {
        { _ in
            let responses = queries.map { query in
                call(
                    "/api/v1/query_range",
                    [("query", query), ("start", "\(start / 1_000_000_000 + 60)"), ("end", "\(endSeconds)"), ("step", "60s")],
                    cold: cold)
            }
            return Answer(size: responses.reduce(0) { $0 + $1.body.count }) {
                let found = responses.map(series)
                let points = found.joined().reduce(0) { $0 + (($1["values"] as? [Any])?.count ?? 0) }
                return "\(queries.count) requests, \(found.map(\.count).reduce(0, +)) series, \(points) points"
            }
        }
    }
    func instant(_ query: String, cold: Bool, what: String) -> (Int) -> Answer {
        { _ in
            let response = call("/api/v1/query", [("query", query), ("time", "\(endSeconds)")], cold: cold)
            return Answer(size: response.body.count) {
                let found = series(response)
                let total = found.reduce(0.0) { $0 + (Double((($1["value"] as? [Any])?.last as? String) ?? "") ?? 0) }
                return what == "venues" ? "\(found.count) venues, \(Int(total)) rows" : "\(found.count) \(what)"
            }
        }
    }
    func measure(_ query: String, _ variant: String, _ run: (Bool) -> (Int) -> Answer) {
        measurer.measure(query, "victoria-metrics", "cold (nocache=1)" + variant, run(true))
        measurer.measure(query, "victoria-metrics", "cached (rollup cache)" + variant, run(false))
    }

    // Per symbol across its venue and side series: avg = sum / count, not an average of averages.
    let price1 = "trades_price{symbol=\"\(Windows.q1Symbol)\"}[1m]"
    let q1 = [
        "sum(sum_over_time(\(price1))) / sum(count_over_time(\(price1)))",
        "min(min_over_time(\(price1)))",
        "max(max_over_time(\(price1)))",
        "sum(sum_over_time(trades_qty{symbol=\"\(Windows.q1Symbol)\"}[1m]))",
    ]
    measure("q1", "") { cold in range(q1, start: windows.q1Start, cold: cold) }

    // The last price of a symbol is that of its series (venue, side) with the newest sample. The
    // lookback holds about 50 trades of each symbol, and at least 10 minutes.
    let lookback = "\(max(600, windows.span / Int64(rows) * 200 * 50 / 1_000_000_000))s"
    let q2 = """
        last_over_time(trades_price[\(lookback)]) and on (symbol, venue, side)
        (tlast_over_time(trades_price[\(lookback)]) == on (symbol) group_left max by (symbol) (tlast_over_time(trades_price[\(lookback)])))
        """
    measure("q2", ", last \(lookback)") { cold in instant(q2, cold: cold, what: "symbols") }

    // One candle per minute: rollup_candlestick gives open/high/low/close of every venue and
    // side series apart (8 series, a larger answer); the merged form gives the candle of the
    // symbol, as Tradewatch does, taking open and close from the series with the first and last
    // sample of each minute.
    let price3 = "trades_price{symbol=\"\(Windows.q3Symbol)\"}[1m]"
    let volume3 = "sum(sum_over_time(trades_qty{symbol=\"\(Windows.q3Symbol)\"}[1m]))"
    let q3Candlestick = ["rollup_candlestick(\(price3))", volume3]
    let q3Merged = [
        "min(first_over_time(\(price3)) and on (venue, side) (tfirst_over_time(\(price3)) == on () group_left min(tfirst_over_time(\(price3)))))",
        "max(max_over_time(\(price3)))",
        "min(min_over_time(\(price3)))",
        "min(last_over_time(\(price3)) and on (venue, side) (tlast_over_time(\(price3)) == on () group_left max(tlast_over_time(\(price3)))))",
        volume3,
    ]
    measure("q3", ", rollup_candlestick") { cold in range(q3Candlestick, start: windows.q3Start, cold: cold) }
    measure("q3", ", merged OHLC") { cold in range(q3Merged, start: windows.q3Start, cold: cold) }

    let q4 = "sum by (venue) (count_over_time(trades_price[\(windows.span / 1_000_000_000 + 3_600)s]))"
    measure("q4", "") { cold in instant(q4, cold: cold, what: "venues") }
    connection.close()
}

/// Waits until VictoriaMetrics counts every price sample; returns how long that took.
func waitForVictoriaMetrics(base: URL, rows: Int, span: Int64, end: Int64, timeout: Duration) -> Double {
    var connection = HTTPConnection(base)
    defer { connection.close() }
    let query = encoded("sum(count_over_time(trades_price[\(span / 1_000_000_000 + 3_600)s]))")
    let started = ContinuousClock.now
    var counted = 0
    while ContinuousClock.now - started < timeout {
        let response = connection.get("/api/v1/query?query=\(query)&time=\(end / 1_000_000_000)&nocache=1")
        let result = (json(response)["data"] as? [String: Any])?["result"] as? [[String: Any]]
        counted = Int(Double(((result?.first?["value"] as? [Any])?.last as? String) ?? "") ?? 0)
        if counted == rows { return milliseconds(ContinuousClock.now - started) / 1_000 }
        Thread.sleep(forTimeInterval: 0.2)
    }
    fail("VictoriaMetrics counted \(counted) of \(rows) price samples after \(timeout)")
}

// MARK: - DuckDB directly

enum DirectSQL {
    static let bucket = "epoch_ns(ts) - ((epoch_ns(ts) % 60000000000) + 60000000000) % 60000000000"

    static let q1 = """
        SELECT make_timestamp_ns(bucket) AS ts, avg(price) AS avg_price, min(price) AS low, max(price) AS high, sum(qty) AS volume
        FROM (SELECT \(bucket) AS bucket, price, qty FROM trades WHERE symbol = ? AND ts >= ? AND ts < ?)
        GROUP BY bucket ORDER BY bucket
        """
    static let q2 = "SELECT symbol, max(ts) AS ts, arg_max(price, ts) AS price FROM trades GROUP BY symbol ORDER BY symbol"
    static let q3 = """
        SELECT make_timestamp_ns(bucket) AS ts, arg_min(price, ts) AS open, max(price) AS high, min(price) AS low,
            arg_max(price, ts) AS close, sum(qty) AS volume
        FROM (SELECT \(bucket) AS bucket, ts, price, qty FROM trades WHERE symbol = ? AND ts >= ? AND ts < ?)
        GROUP BY bucket ORDER BY bucket
        """
    static let q4 = "SELECT venue, count(*) FROM trades GROUP BY venue"

    /// The statement `GET /api/v1/candles?interval=1m` runs for `symbol` over `start..<end`, built
    /// by the server's own `CandlesQuery` so that the benchmark always times what the server runs.
    static func serverCandles(_ symbol: String, _ start: Int64, _ end: Int64) throws -> (sql: String, parameters: [DuckDBValue]) {
        var parameters = QueryParameters(query: "symbol=\(symbol)&interval=1m&start=\(start)&end=\(end)")
        let plan = try CandlesQuery(parameters: &parameters, now: end).plans[0].plan
        return (plan.sql, plan.parameters)
    }

    static func window(_ symbol: String, _ start: Int64, _ end: Int64) -> [DuckDBValue] {
        [.string(symbol), .timestampNanos(.init(nanosecondsSinceEpoch: start)), .timestampNanos(.init(nanosecondsSinceEpoch: end))]
    }
}

func benchmarkDuckDB(_ measurer: Measurer, path: String, windows: Windows, threads: Int, memoryLimit: String, explain: Bool) throws {
    let database = try Database(
        path: path, configuration: .init(threads: threads, memoryLimit: memoryLimit, accessMode: .readOnly))
    let connection = try database.connect()
    func run(_ sql: String, _ parameters: [DuckDBValue] = []) -> (Int) throws -> Answer {
        { _ in
            var rows = 0
            try connection.query(sql, parameters).forEachChunk { rows += $0.count }
            return Answer(size: rows) { "\(rows) rows" }
        }
    }
    let hasRollup = try connection.query("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'trades_1m'").rows()
        .first?.first == .int64(1)
    let q1 = DirectSQL.window(Windows.q1Symbol, windows.q1Start, windows.end)
    let q3 = DirectSQL.window(Windows.q3Symbol, windows.q3Start, windows.end)
    try measurer.measure("q1", "duckdb-direct", "SQL on trades", run(DirectSQL.q1, q1))
    let candles1 = try DirectSQL.serverCandles(Windows.q1Symbol, windows.q1Start, windows.end)
    let candles3 = try DirectSQL.serverCandles(Windows.q3Symbol, windows.q3Start, windows.end)
    if hasRollup {
        try measurer.measure("q1", "duckdb-direct", "server's candles SQL (rollup)", run(candles1.sql, candles1.parameters))
    }
    try measurer.measure("q2", "duckdb-direct", "SQL on trades (arg_max)", run(DirectSQL.q2))
    try measurer.measure("q3", "duckdb-direct", "SQL on trades", run(DirectSQL.q3, q3))
    if hasRollup {
        try measurer.measure("q3", "duckdb-direct", "server's candles SQL (rollup)", run(candles3.sql, candles3.parameters))
    }
    try measurer.measure("q4", "duckdb-direct", "SQL on trades", run(DirectSQL.q4))
    guard explain else { return }
    for (name, sql, parameters) in [("q1, server's candles SQL", candles1.sql, candles1.parameters), ("q4", DirectSQL.q4, [])]
    where hasRollup || !name.contains("server") {
        print("EXPLAIN ANALYZE \(name):")
        let rows = try connection.query("EXPLAIN ANALYZE " + sql, parameters).rows()
        for row in rows { if case .string(let plan) = row.last { print(plan) } }
    }
}

// MARK: - Report

func pad(_ value: some CustomStringConvertible, _ width: Int, right: Bool = false) -> String {
    let text = value.description
    let fill = String(repeating: " ", count: max(0, width - text.count))
    return right ? fill + text : text + fill
}

func format(_ value: Double?) -> String { value.map { String(format: "%.2f", $0) } ?? "?" }

/// Prints the results file as tables, then the goals.
func report(_ results: URL) {
    guard let text = try? String(contentsOf: results, encoding: .utf8) else { fail("cannot read \(results.path)") }
    let lines = text.split(separator: "\n").map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
    let queries = lines.filter { $0.first == "query" && $0.count >= 11 }
    let loads = lines.filter { $0.first == "load" && $0.count >= 12 }
    print("Query latency, ms: sequential requests on one keep-alive connection (HTTP: whole response read) or")
    print("statements on one DuckDB connection (all rows fetched); n measured after the warm-up. size: bytes (HTTP) or rows (DuckDB).")
    print("q1 SYM7 1-minute avg/min/max price + sum qty, last 6 h; q2 latest price of 200 symbols; q3 SYM42 1-minute OHLCV, whole span;")
    print("q4 rows per venue.")
    let widths = [9, 3, 17, 42, -5, -9, -9, -9, -8]
    func line(_ fields: [String]) -> String {
        zip(fields, widths).map { pad($0, abs($1), right: $1 < 0) }.joined(separator: " ") + "  " + (fields.count > widths.count ? fields[widths.count] : "")
    }
    print(line(["rows", "q", "system", "mode", "n", "p50", "p95", "p99", "size", "answer"]))
    let order = ["tradewatch": 0, "duckdb-direct": 1, "victoria-metrics": 2]
    let sorted = queries.sorted { ($0[1].count, $0[1], $0[2], order[$0[3]] ?? 9) < ($1[1].count, $1[1], $1[2], order[$1[3]] ?? 9) }
    for row in sorted {
        print(line(Array(row[1...10])))
    }
    if !loads.isEmpty {
        print("\nUnder wrk --latency (2 threads, on the same 2 cores), ms; p95 from wrk's histogram via a Lua done().")
        print("metrics/latest?name=order_latency.p99 answers 200 rows (24 KB); /health is the floor of any endpoint.")
        let loadWidths = [9, -11, -7, -9, -10, -8, -8, -8, -8, -6, 1]
        for row in [["", "rows", "connections", "threads", "requests", "requests/s", "p50", "p90", "p95", "p99", "errors", "path"]] + loads {
            print(zip(row[1...11], loadWidths).map { pad($0, abs($1), right: $1 < 0) }.joined(separator: " "))
        }
    }

    func figure(_ rows: String, _ query: String, _ system: String, _ mode: String, _ column: Int) -> Double? {
        // The fastest variant when a system was asked in several ways.
        queries.filter { $0[1] == rows && $0[2] == query && $0[3] == system && $0[4].hasPrefix(mode) }.compactMap { Double($0[column]) }.min()
    }
    func verdict(_ met: Bool?) -> String { met.map { $0 ? "met" : "NOT MET" } ?? "not measured" }
    print("\nGoals")
    for query in ["q1", "q2", "q3", "q4"] {
        let mode = query == "q2" ? "from memory" : "cold"
        let ours = (figure("1000000", query, "tradewatch", mode, 6), figure("1000000", query, "tradewatch", mode, 7))
        let theirs = (figure("1000000", query, "victoria-metrics", "cold", 6), figure("1000000", query, "victoria-metrics", "cold", 7))
        var met: Bool?
        if let a = ours.0, let b = ours.1, let c = theirs.0, let d = theirs.1 { met = a < c && b < d }
        print("  \(query) faster than VictoriaMetrics at 1M rows (p50/p95, Tradewatch \(mode) vs VictoriaMetrics' fastest cold): "
            + "\(format(ours.0))/\(format(ours.1)) vs \(format(theirs.0))/\(format(theirs.1)) ms: \(verdict(met))")
    }
    let q1 = figure("10000000", "q1", "tradewatch", "cold", 7)
    print("  q1 p95 under 10 ms at 10M rows (Tradewatch cold): \(format(q1)) ms: \(verdict(q1.map { $0 < 10 }))")
    for row in loads where row[2] == "100" && row[11].hasPrefix("/api/v1/metrics/latest") {
        let p95 = Double(row[8]) ?? .nan
        print("  metrics/latest p95 under 5 ms at 100 connections (\(row[1]) rows run): p95 \(row[8]) ms (p99 \(row[9]) ms, stricter): \(verdict(p95 < 5))")
    }
}

// MARK: - Main

var arguments = Arguments(CommandLine.arguments)
switch arguments.command {
case "load":
    let url = URL(string: arguments.string("url"))!
    var workload = Workload(rows: arguments.integer("rows"), endNanoseconds: arguments.integer("end-ns"), spanNanoseconds: arguments.integer("span-ns"))
    workload.batch = arguments.integer("batch", default: 5_000)
    workload.seed = arguments.integer("seed", default: 42)
    let connections: Int = arguments.integer("connections", default: 4)
    arguments.rejectUnknown()
    load(workload, url: url, connections: connections)
case "load-metrics":
    let url = URL(string: arguments.string("url"))!
    let end: Int64 = arguments.integer("end-ns")
    arguments.rejectUnknown()
    loadMetrics(url: url, endNanoseconds: end)
case "wait-rollup":
    let url = URL(string: arguments.string("url"))!
    let timeout: Int = arguments.integer("timeout-s", default: 600)
    arguments.rejectUnknown()
    if let seconds = waitForRollup(base: url, timeout: .seconds(timeout)) {
        print(String(format: "trades rollup caught up %.1f s after the load", seconds))
    }
case "http", "duckdb":
    let rows: Int = arguments.integer("rows")
    let windows = Windows(end: arguments.integer("end-ns"), span: arguments.integer("span-ns"))
    guard windows.end % Workload.minute == 0 else { fail("--end-ns must be a whole minute") }
    let measurer = Measurer(
        rows: rows, warmup: arguments.integer("warmup", default: 20), requests: arguments.integer("requests", default: 200),
        budget: .seconds(arguments.integer("budget-s", default: 30) as Int), results: URL(fileURLWithPath: arguments.string("results")))
    if !FileManager.default.fileExists(atPath: measurer.results.path) {
        _ = FileManager.default.createFile(atPath: measurer.results.path, contents: nil)
    }
    if arguments.command == "duckdb" {
        let path = arguments.string("path")
        let threads: Int = arguments.integer("threads", default: ProcessInfo.processInfo.activeProcessorCount)
        let memoryLimit = arguments.string("memory-limit", default: "512MB")
        let explain = arguments.string("explain", default: "0") == "1"
        arguments.rejectUnknown()
        do {
            try benchmarkDuckDB(measurer, path: path, windows: windows, threads: threads, memoryLimit: memoryLimit, explain: explain)
        } catch {
            fail("DuckDB: \(error)")
        }
    } else {
        let url = URL(string: arguments.string("url"))!
        let system = arguments.string("system")
        arguments.rejectUnknown()
        switch system {
        case "tradewatch": benchmarkTradewatch(measurer, base: url, windows: windows)
        case "victoria-metrics":
            let seconds = waitForVictoriaMetrics(base: url, rows: rows, span: windows.span, end: windows.end, timeout: .seconds(120))
            print(String(format: "VictoriaMetrics counted every price sample %.1f s after the load", seconds))
            benchmarkVictoriaMetrics(measurer, base: url, windows: windows, rows: rows)
        default: fail("--system must be tradewatch or victoria-metrics")
        }
    }
case "report":
    let results = URL(fileURLWithPath: arguments.string("results"))
    arguments.rejectUnknown()
    report(results)
default:
    fail("unknown command \(arguments.command); use load, load-metrics, wait-rollup, http, duckdb or report")
}
