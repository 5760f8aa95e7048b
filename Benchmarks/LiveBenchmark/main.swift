// live-benchmark: N WebSocket subscribers on `/api/v1/stream` (one trades symbol each, spread over
// the 200 symbols of the ingest workload) while trades are written to `/write` at a steady rate,
// in one process: the subscribers are plain sockets served by one epoll thread (`--client
// socket`, the default; see SocketSubscribers.swift) or a task group of hummingbird-websocket
// clients (`--client websocket`), the writers are blocking POSIX-socket threads (HTTP/1.1 keep-alive).
//
//   live-benchmark --url http://127.0.0.1:8080 --clients 1000 --rate 100000 --seconds 20 --server-pid 1234
//
// Every row of a request carries the wall-clock time the request was sent as its timestamp, so a
// client computes, per row, receipt time − ts ("from send") and receipt time − the time the
// /write of that row was acknowledged ("from ack"; a 204 is sent only after the commit, so this is
// commit-to-receipt minus the ack's own trip back), and per frame, receipt − the ack of the newest
// commit in it (the commit the frame is tagged with). Client and server share the clock (same box).
// `--rate 0` writes as fast as `--connections` writers can. Prints a summary and one RESULT line.
// Options: --batch (5000 rows per request), --connections (4 writers), --drain-seconds (2),
// --connect-parallelism (50), --server-pid (to read its CPU time and peak RSS from /proc),
// --client (socket or websocket).
import Foundation
import HummingbirdWSClient
import Logging
import Synchronization

struct Options {
    var url = URL(string: "http://127.0.0.1:8080")!
    var clients = 100
    var rate = 100_000
    var seconds = 20.0
    var batch = 5_000
    var connections = 4
    var drainSeconds = 2.0
    var connectParallelism = 50
    var serverPID: Int32?
    var socketClients = true

    init(_ arguments: [String]) {
        var remaining = arguments.dropFirst().makeIterator()
        while let name = remaining.next() {
            guard let value = remaining.next() else { fail("\(name) needs a value") }
            switch name {
            case "--url":
                guard let parsed = URL(string: value), parsed.scheme == "http", parsed.host != nil else {
                    fail("--url must be http://HOST:PORT")
                }
                url = parsed
            case "--clients": clients = number(name, value)
            case "--rate": rate = number(name, value)
            case "--seconds": seconds = number(name, value)
            case "--batch": batch = number(name, value)
            case "--connections": connections = number(name, value)
            case "--drain-seconds": drainSeconds = number(name, value)
            case "--connect-parallelism": connectParallelism = number(name, value)
            case "--server-pid": serverPID = number(name, value)
            case "--client":
                guard value == "socket" || value == "websocket" else { fail("--client must be socket or websocket") }
                socketClients = value == "socket"
            default: fail("unknown option \(name)")
            }
        }
        guard clients >= 0, rate >= 0, seconds > 0, batch > 0, connections > 0, connectParallelism > 0 else {
            fail("--clients and --rate must be ≥ 0; --seconds, --batch, --connections positive")
        }
    }
}

func number<T: LosslessStringConvertible>(_ name: String, _ value: String) -> T {
    guard let parsed = T(value) else { fail("\(name) \(value) is not a number") }
    return parsed
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("live-benchmark: \(message)\n".utf8))
    exit(1)
}

/// Nanoseconds since 1970 (CLOCK_REALTIME): the clock the row timestamps use.
func wallNanoseconds() -> Int64 {
    var now = timespec()
    clock_gettime(CLOCK_REALTIME, &now)
    return Int64(now.tv_sec) * 1_000_000_000 + Int64(now.tv_nsec)
}

/// User plus system CPU seconds of a process, from /proc/PID/stat (fields 14 and 15, in ticks).
func cpuSeconds(_ pid: String) -> Double? {
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
          let close = stat.lastIndex(of: ")") else { return nil }
    let fields = stat[stat.index(after: close)...].split(separator: " ")
    guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
    return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
}

/// Busy CPU seconds of the whole box (every process), from the first line of /proc/stat.
func boxBusySeconds() -> Double? {
    guard let stat = try? String(contentsOfFile: "/proc/stat", encoding: .utf8),
          let line = stat.split(separator: "\n").first else { return nil }
    let ticks = line.split(separator: " ").dropFirst().compactMap { Double($0) }
    guard ticks.count >= 5 else { return nil }
    // user nice system idle iowait irq softirq steal: busy is all but idle and iowait.
    return (ticks.reduce(0, +) - ticks[3] - ticks[4]) / Double(sysconf(Int32(_SC_CLK_TCK)))
}

/// A `Vm…` line of /proc/PID/status, in MiB.
func memoryMiB(_ pid: String, _ field: String) -> Double? {
    guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
    let line = status.split(separator: "\n").first { $0.hasPrefix(field + ":") }
    return line.flatMap { Double($0.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") }
        .map { $0 / 1_024 }
}

// MARK: - Subscribers

/// What one subscriber saw during the measured window: per frame and per distinct `ts` in it,
/// the receipt time and the row count (rows of one request share a `ts`).
struct ClientTally: Sendable {
    var frames = 0
    var bytes = 0
    var rows = 0
    var lagged = 0
    var errors = 0
    var samples: [(ts: Int64, received: Int64, rows: Int)] = []
}

/// State the subscribers and the writers share.
final class Run: Sendable {
    let subscribed = Atomic(0)
    let finished = Atomic(0)
    /// 0 before the measured window, 1 during it, 2 once the clients should close.
    let phase = Atomic(0)
    let tallies = Mutex<[ClientTally]>([])
    /// Wall time each request's `ts` was acknowledged with a 2xx.
    let acknowledged = Mutex<[Int64: Int64]>([:])
    let writeLatencies = Mutex<[Double]>([])
    let rowsWritten = Atomic(0)
    let lastAck = Atomic(Int64(0))
}

/// Parses `2026-11-29T11:05:52.123456789Z` at `start` into nanoseconds since 1970.
func parseTimestamp(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int) -> Int64? {
    func digits(_ offset: Int, _ count: Int) -> Int64 {
        var value: Int64 = 0
        for i in 0..<count { value = value * 10 + Int64(bytes[start + offset + i] &- 48) }
        return value
    }
    guard start + 20 <= bytes.count, bytes[start + 10] == UInt8(ascii: "T") else { return nil }
    let year = digits(0, 4), month = digits(5, 2), day = digits(8, 2)
    let seconds = digits(11, 2) * 3_600 + digits(14, 2) * 60 + digits(17, 2)
    var fraction: Int64 = 0
    var scale: Int64 = 1_000_000_000
    var index = start + 19
    if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
        index += 1
        while index < bytes.count, bytes[index] >= 48, bytes[index] <= 57 {
            scale /= 10
            fraction += Int64(bytes[index] - 48) * scale
            index += 1
        }
    }
    // Days from civil (Howard Hinnant's algorithm).
    let y = month <= 2 ? year - 1 : year
    let era = (y >= 0 ? y : y - 399) / 400
    let yearOfEra = y - era * 400
    let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
    let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
    let days = era * 146_097 + dayOfEra - 719_468
    return (days * 86_400 + seconds) * 1_000_000_000 + fraction
}

/// Counts a `rows` frame's rows per distinct `ts` without parsing the JSON.
func tallyRows(_ bytes: UnsafeBufferPointer<UInt8>, received: Int64, into tally: inout ClientTally) {
    do {
        let key = Array(#"{"ts":""#.utf8)
        var lastTimestamp: Int64 = -1
        var count = 0
        var index = 0
        while index + key.count < bytes.count {
            // Each row starts `{"ts":"`: memchr to the next `{`, then compare. The client shares
            // the two cores with the server, so its scan must be cheap (it used to compare byte by
            // byte at every position).
            guard let found = memchr(bytes.baseAddress! + index, Int32(UInt8(ascii: "{")), bytes.count - index) else { break }
            index = bytes.baseAddress!.distance(to: found.assumingMemoryBound(to: UInt8.self))
            guard index + key.count < bytes.count else { break }
            var matches = true
            for offset in 1..<key.count where bytes[index + offset] != key[offset] { matches = false; break }
            guard matches else { index += 1; continue }
            index += key.count
            guard let timestamp = parseTimestamp(bytes, index) else { continue }
            tally.rows += 1
            if timestamp == lastTimestamp {
                count += 1
            } else {
                if count > 0 { tally.samples.append((lastTimestamp, received, count)) }
                lastTimestamp = timestamp
                count = 1
            }
            index += 20
        }
        if count > 0 { tally.samples.append((lastTimestamp, received, count)) }
    }
}

/// One subscriber: subscribes, waits for `subscribed`, tallies frames during the measured window,
/// and closes when the run says so.
func subscriber(_ number: Int, url: String, run: Run) async {
    let subscribe = #"{"op":"subscribe","id":"s1","table":"trades","filter":{"symbol":["SYM\#(number % 200)"]}}"#
    do {
        try await WebSocketClient.connect(
            url: url, configuration: .init(maxFrameSize: 1 << 24), logger: Logger(label: "live-benchmark")
        ) { inbound, outbound, _ in
            var tally = ClientTally()
            try await outbound.write(.text(subscribe))
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    while run.phase.load(ordering: .relaxed) < 2 { try await Task.sleep(for: .milliseconds(200)) }
                    try await outbound.close(.normalClosure, reason: nil)
                }
                // WebSocket frames, not messages: a message would be validated and copied into
                // a String, and the tally only needs a few bytes of each row.
                var fragments: WebSocketDataFrame?
                for try await next in inbound {
                    let received = wallNanoseconds()
                    var frame = next
                    if var first = fragments {
                        var data = next.data
                        first.data.writeBuffer(&data)
                        first.fin = next.fin
                        frame = first
                        fragments = nil
                    }
                    guard frame.fin else {
                        fragments = frame
                        continue
                    }
                    guard frame.opcode == .text else { continue }
                    let message = frame.data
                    let bytes = message.readableBytesView
                    func starts(_ prefix: String) -> Bool { bytes.starts(with: prefix.utf8) }
                    if starts(#"{"op":"subscribed""#) {
                        run.subscribed.add(1, ordering: .relaxed)
                        continue
                    }
                    guard run.phase.load(ordering: .relaxed) == 1 else { continue }
                    tally.frames += 1
                    tally.bytes += bytes.count
                    if starts(#"{"op":"rows""#) {
                        message.withUnsafeReadableBytes { raw in
                            tallyRows(raw.assumingMemoryBound(to: UInt8.self), received: received, into: &tally)
                        }
                    } else if starts(#"{"op":"lagged""#) {
                        tally.lagged += 1
                    } else if starts(#"{"op":"error""#) {
                        tally.errors += 1
                        let text = String(decoding: bytes, as: UTF8.self)
                        FileHandle.standardError.write(Data("live-benchmark: client \(number): \(text)\n".utf8))
                    }
                }
                group.cancelAll()
            }
            let final = tally
            run.tallies.withLock { $0.append(final) }
        }
    } catch {
        // The tally of a client that failed is lost; the failure is counted and printed.
        run.tallies.withLock { $0.append(ClientTally(errors: 1)) }
        if run.phase.load(ordering: .relaxed) < 2 {
            FileHandle.standardError.write(Data("live-benchmark: client \(number) failed: \(error)\n".utf8))
        }
    }
    run.finished.add(1, ordering: .relaxed)
}

// MARK: - Writers

/// Line-protocol trades with a 19-digit timestamp at the end of each line, patched at send time.
struct BodyTemplate {
    var bytes: [UInt8]
    var timestampOffsets: [Int]

    init(rows: Int, seed: UInt64) {
        var state = seed
        func random(_ bound: UInt64) -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return (z ^ (z >> 31)) % bound
        }
        let venues = ["XNAS", "XNYS", "BATS", "ARCX"]
        bytes = []
        bytes.reserveCapacity(rows * 96)
        timestampOffsets = []
        for _ in 0..<rows {
            let cents = 1_000 + random(99_000)
            let side = random(2) == 0 ? "buy" : "sell"
            let fraction = cents % 100 < 10 ? "0\(cents % 100)" : "\(cents % 100)"
            let line = "trades,symbol=SYM\(random(200)),venue=\(venues[Int(random(4))]),side=\(side) "
                + "price=\(cents / 100).\(fraction),qty=\(1 + random(1_000))i "
            bytes += line.utf8
            timestampOffsets.append(bytes.count)
            bytes += "0000000000000000000\n".utf8
        }
    }

    /// The body with every row stamped `timestamp` (19 digits until 2286).
    func stamped(_ timestamp: Int64) -> [UInt8] {
        var body = bytes
        let digits = Array(String(timestamp).utf8)
        precondition(digits.count == 19)
        for offset in timestampOffsets {
            for i in 0..<19 { body[offset + i] = digits[i] }
        }
        return body
    }
}

/// A blocking TCP connection to `host:port` with Nagle off; exits on failure.
func connectTCP(host: String, port: Int) -> Int32 {
    let socket = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard socket >= 0 else { fail("socket: \(String(cString: strerror(errno)))") }
    var noDelay: Int32 = 1
    setsockopt(socket, Int32(IPPROTO_TCP), TCP_NODELAY, &noDelay, socklen_t(MemoryLayout<Int32>.size))
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    inet_pton(AF_INET, host, &address.sin_addr)
    let connected = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            Foundation.connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
        }
    }
    guard connected == 0 else { fail("connect to \(host):\(port): \(String(cString: strerror(errno)))") }
    return socket
}

/// HTTP/1.1 with keep-alive over a blocking POSIX socket.
struct HTTPConnection {
    private let socket: Int32
    private var pending: [UInt8] = []

    init(host: String, port: Int) {
        socket = connectTCP(host: host, port: port)
    }

    func send(_ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes.withUnsafeBytes { Foundation.send(socket, $0.baseAddress! + offset, $0.count - offset, 0) }
            guard sent > 0 else { fail("send: \(String(cString: strerror(errno)))") }
            offset += sent
        }
    }

    /// Reads one response and returns its status and body (Content-Length bodies only).
    mutating func readResponse() -> (status: Int, body: String) {
        let separator = Array("\r\n\r\n".utf8)
        var headEnd = pending.firstRange(of: separator)?.upperBound
        while headEnd == nil {
            receive()
            headEnd = pending.firstRange(of: separator)?.upperBound
        }
        let head = String(decoding: pending[..<headEnd!], as: UTF8.self).lowercased()
        pending.removeFirst(headEnd!)
        let lines = head.split(separator: "\r\n")
        let status = lines.first.flatMap { Int($0.split(separator: " ").dropFirst().first ?? "") } ?? 0
        let length = lines.dropFirst().first { $0.hasPrefix("content-length:") }
            .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) } ?? 0
        while pending.count < length { receive() }
        let body = String(decoding: pending[..<length], as: UTF8.self)
        pending.removeFirst(length)
        return (status, body)
    }

    private mutating func receive() {
        var buffer = [UInt8](repeating: 0, count: 65_536)
        let count = buffer.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { fail("the server closed the connection: \(count < 0 ? String(cString: strerror(errno)) : "EOF")") }
        pending += buffer[..<count]
    }
}

/// Writes for `seconds`: request k is due at start + k × batch / rate (or at once with rate 0);
/// a writer late for its request sends it at once. Blocks until every writer is done.
func write(_ options: Options, templates: [BodyTemplate], run: Run, start: Int64) {
    let host = options.url.host!
    let port = options.url.port ?? 80
    let head = "POST /write HTTP/1.1\r\nHost: \(host):\(port)\r\nContent-Type: text/plain; charset=utf-8\r\n"
    let interval = options.rate == 0 ? 0 : Int64(options.batch) * 1_000_000_000 / Int64(options.rate)
    let end = start + Int64(options.seconds * 1e9)
    let nextRequest = Atomic(0)
    let finished = DispatchGroup()
    for _ in 0..<options.connections {
        finished.enter()
        Thread {
            var connection = HTTPConnection(host: host, port: port)
            var latencies: [Double] = []
            while true {
                let index = nextRequest.add(1, ordering: .relaxed).oldValue
                let due = start + Int64(index) * interval
                guard due < end else { break }
                var now = wallNanoseconds()
                if due > now { usleep(UInt32((due - now) / 1_000)) }
                now = wallNanoseconds()
                guard now < end || interval > 0 else { break }
                let body = templates[index % templates.count].stamped(now)
                connection.send(Array("\(head)Content-Length: \(body.count)\r\n\r\n".utf8) + body)
                let response = connection.readResponse()
                let acknowledged = wallNanoseconds()
                guard (200..<300).contains(response.status) else { fail("/write answered \(response.status): \(response.body)") }
                latencies.append(Double(acknowledged - now) / 1e6)
                run.acknowledged.withLock { $0[now] = acknowledged }
                run.rowsWritten.add(options.batch, ordering: .relaxed)
                _ = run.lastAck.max(acknowledged, ordering: .relaxed)
            }
            let done = latencies
            run.writeLatencies.withLock { $0 += done }
            finished.leave()
        }.start()
    }
    finished.wait()
}

// MARK: - Main

func percentile(_ sorted: [Double], _ p: Double) -> Double {
    sorted.isEmpty ? .nan : sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
}

/// Percentiles of per-row latencies given as (milliseconds, rows) pairs.
func weightedPercentiles(_ samples: [(ms: Double, rows: Int)], _ ps: [Double]) -> [Double] {
    let sorted = samples.sorted { $0.ms < $1.ms }
    let total = sorted.reduce(0) { $0 + $1.rows }
    guard total > 0 else { return ps.map { _ in .nan } }
    return ps.map { p in
        let target = Int(Double(total) * p)
        var seen = 0
        for sample in sorted {
            seen += sample.rows
            if seen > target { return sample.ms }
        }
        return sorted.last!.ms
    }
}

let options = Options(CommandLine.arguments)
let run = Run()
let streamURL = options.url.absoluteString.replacingOccurrences(of: "http://", with: "ws://") + "/api/v1/stream"
let templates = (0..<16).map { BodyTemplate(rows: options.batch, seed: UInt64(42 + $0)) }
let serverPID = options.serverPID.map { String($0) }

await withTaskGroup(of: Void.self) { group in
    let connectStart = ContinuousClock.now
    if options.socketClients {
        let subscribers = SocketSubscribers(options: options, run: run)
        Thread { subscribers.serve() }.start()
    }
    for number in 0..<options.clients where !options.socketClients {
        // Connects in waves so the server's accept backlog never overflows.
        while number - run.subscribed.load(ordering: .relaxed) >= options.connectParallelism {
            try? await Task.sleep(for: .milliseconds(5))
            if ContinuousClock.now - connectStart > .seconds(120) { fail("only \(run.subscribed.load(ordering: .relaxed)) of \(options.clients) clients subscribed in 120 s") }
        }
        group.addTask { await subscriber(number, url: streamURL, run: run) }
    }
    while run.subscribed.load(ordering: .relaxed) < options.clients {
        if run.finished.load(ordering: .relaxed) > 0 { fail("a client ended before every client had subscribed") }
        if ContinuousClock.now - connectStart > .seconds(120) { fail("only \(run.subscribed.load(ordering: .relaxed)) of \(options.clients) clients subscribed in 120 s") }
        try? await Task.sleep(for: .milliseconds(10))
    }
    let connectSeconds = Double((ContinuousClock.now - connectStart).components.attoseconds) / 1e18
        + Double((ContinuousClock.now - connectStart).components.seconds)
    print(String(format: "%d clients subscribed in %.2f s", options.clients, connectSeconds))

    // The measured window: from the first request to the drain after the last acknowledgement.
    let serverCPUBefore = serverPID.flatMap(cpuSeconds)
    let clientCPUBefore = cpuSeconds("self")
    let boxBefore = boxBusySeconds()
    let start = wallNanoseconds() + 50_000_000
    run.phase.store(1, ordering: .relaxed)
    await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
        Thread {
            write(options, templates: templates, run: run, start: start)
            continuation.resume()
        }.start()
    }
    let writeSeconds = Double(run.lastAck.load(ordering: .relaxed) - start) / 1e9
    // Rates are over the writing time plus one pacing interval (the last frames); CPU likewise.
    try? await Task.sleep(for: .milliseconds(150))
    let windowSeconds = Double(wallNanoseconds() - start) / 1e9
    let serverCPU = serverPID.flatMap(cpuSeconds).flatMap { after in serverCPUBefore.map { after - $0 } }
    let clientCPU = cpuSeconds("self").flatMap { after in clientCPUBefore.map { after - $0 } }
    let boxCPU = boxBusySeconds().flatMap { after in boxBefore.map { after - $0 } }
    // Late frames still count for latency and rows (a slow client's backlog shows up there).
    try? await Task.sleep(for: .seconds(options.drainSeconds))
    run.phase.store(2, ordering: .relaxed)

    let closeStart = ContinuousClock.now
    while run.finished.load(ordering: .relaxed) < options.clients, ContinuousClock.now - closeStart < .seconds(30) {
        try? await Task.sleep(for: .milliseconds(20))
    }
    if run.finished.load(ordering: .relaxed) < options.clients {
        print("warning: \(options.clients - run.finished.load(ordering: .relaxed)) clients still open after 30 s; cancelling them")
        group.cancelAll()
    }
    await group.waitForAll()

    let rows = run.rowsWritten.load(ordering: .relaxed)
    let ingestRate = Double(rows) / writeSeconds
    let writeLatencies = run.writeLatencies.withLock { $0 }.sorted()
    let acknowledged = run.acknowledged.withLock { $0 }
    let tallies = run.tallies.withLock { $0 }
    var fromSend: [(ms: Double, rows: Int)] = []
    var fromAck: [(ms: Double, rows: Int)] = []
    // Per frame (rows one read delivered together): receipt − ack of the newest commit among its
    // rows, the commit a `rows` frame is tagged with. Rows of older commits in the same frame
    // waited for the pacing window on top of that; the per-row figures above count them.
    var fromFrameCommit: [(ms: Double, rows: Int)] = []
    var unmatched = 0
    for tally in tallies {
        var frameReceived: Int64?
        var frameNewestAck: Int64 = .min
        for sample in tally.samples {
            fromSend.append((Double(sample.received - sample.ts) / 1e6, sample.rows))
            if sample.received != frameReceived {
                if let received = frameReceived, frameNewestAck != .min {
                    fromFrameCommit.append((Double(received - frameNewestAck) / 1e6, 1))
                }
                frameReceived = sample.received
                frameNewestAck = .min
            }
            if let ack = acknowledged[sample.ts] {
                fromAck.append((Double(sample.received - ack) / 1e6, sample.rows))
                frameNewestAck = max(frameNewestAck, ack)
            } else {
                unmatched += sample.rows
            }
        }
        if let received = frameReceived, frameNewestAck != .min {
            fromFrameCommit.append((Double(received - frameNewestAck) / 1e6, 1))
        }
    }
    // LIVE_BENCH_TRACE=FILE: every sample of the first few clients (row ts = its request's send time,
    // receipt, the request's acknowledgement, rows), one per line, to study pacing offline.
    if let path = ProcessInfo.processInfo.environment["LIVE_BENCH_TRACE"] {
        var lines = "client ts received ack rows\n"
        for (number, tally) in tallies.prefix(5).enumerated() {
            for sample in tally.samples {
                lines += "\(number) \(sample.ts) \(sample.received) \(acknowledged[sample.ts] ?? 0) \(sample.rows)\n"
            }
        }
        _ = FileManager.default.createFile(atPath: path, contents: Data(lines.utf8))
    }
    let send = weightedPercentiles(fromSend, [0.5, 0.99, 1.0])
    let ack = weightedPercentiles(fromAck, [0.5, 0.99, 1.0])
    let frameCommit = weightedPercentiles(fromFrameCommit, [0.5, 0.99])
    let clients = Double(max(options.clients, 1))
    let frames = Double(tallies.reduce(0) { $0 + $1.frames })
    let bytes = Double(tallies.reduce(0) { $0 + $1.bytes })
    let rowsReceived = tallies.reduce(0) { $0 + $1.rows }
    let lagged = tallies.reduce(0) { $0 + $1.lagged }
    let errors = tallies.reduce(0) { $0 + $1.errors }
    // Every row matches exactly one symbol, so each row is expected by clients / 200 subscribers on average.
    let expected = rows * options.clients / 200
    let serverRSS = serverPID.flatMap { memoryMiB($0, "VmHWM") }
    let clientRSS = memoryMiB("self", "VmHWM")
    func text(_ value: Double?, _ format: String = "%.1f") -> String { value.map { String(format: format, $0) } ?? "?" }

    print(String(format: "wrote %d rows in %.2f s: %.0f rows/s (target %@), /write p50 %.1f ms, p99 %.1f ms",
                 rows, writeSeconds, ingestRate, options.rate == 0 ? "max" : String(options.rate),
                 percentile(writeLatencies, 0.5), percentile(writeLatencies, 0.99)))
    if options.clients > 0 {
        print("received \(rowsReceived) rows of about \(expected) expected, \(Int(frames)) frames, \(lagged) lagged, \(errors) errors, \(unmatched) rows without an ack")
        print("latency from send p50 \(text(send[0])) ms, p99 \(text(send[1])) ms, max \(text(send[2])) ms; from ack p50 \(text(ack[0])) ms, p99 \(text(ack[1])) ms, max \(text(ack[2])) ms")
        print("per frame, from the ack of its newest commit: p50 \(text(frameCommit[0])) ms, p99 \(text(frameCommit[1])) ms")
        print(String(format: "per client: %.2f frames/s, %.0f bytes/s, %.0f rows/s", frames / clients / windowSeconds,
                     bytes / clients / windowSeconds, Double(rowsReceived) / clients / windowSeconds))
    }
    print("server CPU \(text(serverCPU.map { $0 / windowSeconds * 100 }, "%.0f"))% of one core over \(text(windowSeconds, "%.1f")) s, peak RSS \(text(serverRSS, "%.0f")) MiB; "
        + "benchmark process CPU \(text(clientCPU.map { $0 / windowSeconds * 100 }, "%.0f"))%, peak RSS \(text(clientRSS, "%.0f")) MiB; "
        + "whole box \(text(boxCPU.map { $0 / windowSeconds * 100 }, "%.0f"))% of \(ProcessInfo.processInfo.activeProcessorCount * 100)%")
    print("RESULT clients=\(options.clients) rate=\(options.rate) seconds=\(text(writeSeconds, "%.2f")) rows=\(rows) "
        + "ingest_rows_per_s=\(text(ingestRate, "%.0f")) write_p50_ms=\(text(percentile(writeLatencies, 0.5))) "
        + "write_p99_ms=\(text(percentile(writeLatencies, 0.99))) send_p50_ms=\(text(send[0])) send_p99_ms=\(text(send[1])) "
        + "ack_p50_ms=\(text(ack[0])) ack_p99_ms=\(text(ack[1])) ack_max_ms=\(text(ack[2])) frame_p50_ms=\(text(frameCommit[0])) frame_p99_ms=\(text(frameCommit[1])) "
        + "frames_per_client_s=\(text(frames / clients / windowSeconds, "%.2f")) bytes_per_client_s=\(text(bytes / clients / windowSeconds, "%.0f")) "
        + "rows_received=\(rowsReceived) rows_expected=\(expected) lagged=\(lagged) errors=\(errors) "
        + "server_cpu_pct=\(text(serverCPU.map { $0 / windowSeconds * 100 }, "%.0f")) server_rss_mib=\(text(serverRSS, "%.0f")) "
        + "client_cpu_pct=\(text(clientCPU.map { $0 / windowSeconds * 100 }, "%.0f")) client_rss_mib=\(text(clientRSS, "%.0f")) "
        + "box_cpu_pct=\(text(boxCPU.map { $0 / windowSeconds * 100 }, "%.0f"))")
}
