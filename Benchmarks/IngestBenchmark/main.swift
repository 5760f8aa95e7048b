// ingest-benchmark: sends a trades workload in InfluxDB line protocol to a `/write` endpoint over
// several keep-alive connections and reports rows/s and request latency. Request bodies are
// generated before the clock starts, so only sending and committing is measured.
//
//   ingest-benchmark --url http://127.0.0.1:8080/write --rows 1000000 --batch 5000 --connections 4
//
// Options: --client socket|urlsession (default socket: HTTP/1.1 over POSIX sockets, one thread per
// connection), --step-ns (timestamp step, default 1 ms so every row has its own millisecond in
// stores that keep milliseconds), --seed. Any non-2xx answer or transport error ends the run with
// exit status 1.
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Synchronization

struct Options {
    var url = URL(string: "http://127.0.0.1:8080/write")!
    var rows = 1_000_000
    var batch = 5_000
    var connections = 4
    var client = "socket"
    var stepNanoseconds: Int64 = 1_000_000
    var seed: UInt64 = 42

    init(_ arguments: [String]) {
        var remaining = arguments.dropFirst().makeIterator()
        while let name = remaining.next() {
            guard let value = remaining.next() else { fail("\(name) needs a value") }
            switch name {
            case "--url":
                guard let parsed = URL(string: value) else { fail("--url \(value) is not a URL") }
                url = parsed
            case "--rows": rows = number(name, value)
            case "--batch": batch = number(name, value)
            case "--connections": connections = number(name, value)
            case "--client": client = value
            case "--step-ns": stepNanoseconds = number(name, value)
            case "--seed": seed = number(name, value)
            default: fail("unknown option \(name)")
            }
        }
        guard rows > 0, batch > 0, connections > 0 else { fail("--rows, --batch and --connections must be positive") }
        guard ["socket", "urlsession"].contains(client) else { fail("--client must be socket or urlsession") }
        guard url.scheme == "http", url.host != nil else { fail("--url must be http://HOST:PORT/PATH") }
    }
}

func number<T: LosslessStringConvertible>(_ name: String, _ value: String) -> T {
    guard let parsed = T(value) else { fail("\(name) \(value) is not a whole number") }
    return parsed
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("ingest-benchmark: \(message)\n".utf8))
    exit(1)
}

/// SplitMix64: fast, seeded, good enough for workload values.
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

extension [UInt8] {
    mutating func append(_ text: StaticString) {
        text.withUTF8Buffer { append(contentsOf: $0) }
    }

    mutating func appendDecimal<T: BinaryInteger>(_ value: T) {
        append(contentsOf: String(value).utf8)
    }
}

/// Line-protocol bodies of `batch` trades each: 200 symbols, 4 venues, buy/sell, random price and
/// quantity, timestamps increasing by `stepNanoseconds` and ending a minute before now.
func makeBodies(_ options: Options) -> [[UInt8]] {
    let symbols = (0..<200).map { Array("SYM\($0)".utf8) }
    let venues = ["XNAS", "XNYS", "BATS", "ARCX"].map { Array($0.utf8) }
    var random = Random(state: options.seed)
    let now = Int64(Date().timeIntervalSince1970) * 1_000_000_000
    var timestamp = now - 60_000_000_000 - Int64(options.rows) * options.stepNanoseconds
    var bodies: [[UInt8]] = []
    var row = 0
    while row < options.rows {
        let count = Swift.min(options.batch, options.rows - row)
        var body: [UInt8] = []
        body.reserveCapacity(count * 96)
        for _ in 0..<count {
            body.append("trades,symbol=")
            body.append(contentsOf: symbols[Int(random.next(below: 200))])
            body.append(",venue=")
            body.append(contentsOf: venues[Int(random.next(below: 4))])
            body.append(random.next(below: 2) == 0 ? ",side=buy price=" : ",side=sell price=")
            let cents = 1_000 + random.next(below: 99_000)
            body.appendDecimal(cents / 100)
            body.append(".")
            if cents % 100 < 10 { body.append("0") }
            body.appendDecimal(cents % 100)
            body.append(",qty=")
            body.appendDecimal(1 + random.next(below: 1_000))
            body.append("i ")
            body.appendDecimal(timestamp)
            body.append("\n")
            timestamp += options.stepNanoseconds
        }
        bodies.append(body)
        row += count
    }
    return bodies
}

/// Hands out request indexes to the connections and collects their latencies.
final class Progress: Sendable {
    private let next = Atomic(0)
    private let latencies = Mutex<[Double]>([])

    func take(below count: Int) -> Int? {
        let index = next.add(1, ordering: .relaxed).oldValue
        return index < count ? index : nil
    }

    func record(_ connectionLatencies: [Double]) { latencies.withLock { $0 += connectionLatencies } }

    var allLatencies: [Double] { latencies.withLock { $0 } }
}

func milliseconds(since start: ContinuousClock.Instant) -> Double {
    let elapsed = ContinuousClock.now - start
    return Double(elapsed.components.seconds) * 1_000 + Double(elapsed.components.attoseconds) / 1e15
}

let options = Options(CommandLine.arguments)
let generationStart = ContinuousClock.now
let bodies = makeBodies(options)
let bodyBytes = bodies.reduce(0) { $0 + $1.count }
print("generated \(options.rows) rows in \(bodies.count) requests (\(bodyBytes / 1_048_576) MiB) in \(Int(milliseconds(since: generationStart))) ms")

let progress = Progress()
let start = ContinuousClock.now
switch options.client {
case "socket": SocketClient(options: options).run(bodies, progress: progress)
default: await URLSessionClient(options: options).run(bodies, progress: progress)
}
let seconds = milliseconds(since: start) / 1_000

let latencies = progress.allLatencies.sorted()
func percentile(_ p: Double) -> Double { latencies[Swift.min(latencies.count - 1, Int(Double(latencies.count) * p))] }
let rowsPerSecond = Double(options.rows) / seconds
print(String(format: "%d rows, %d requests of %d, %d connections (%@): %.2f s, %.0f rows/s, latency p50 %.1f ms, p99 %.1f ms, max %.1f ms",
             options.rows, bodies.count, options.batch, options.connections, options.client, seconds, rowsPerSecond,
             percentile(0.5), percentile(0.99), latencies.last ?? 0))
print(String(format: "RESULT rows=%d seconds=%.3f rows_per_s=%.0f p50_ms=%.1f p99_ms=%.1f",
             options.rows, seconds, rowsPerSecond, percentile(0.5), percentile(0.99)))

/// The request line and headers every request of a run shares, but for its length.
func requestHead(_ url: URL) -> String {
    var target = url.path.isEmpty ? "/" : url.path
    if let query = url.query { target += "?" + query }
    return "POST \(target) HTTP/1.1\r\nHost: \(url.host!):\(url.port ?? 80)\r\nContent-Type: text/plain; charset=utf-8\r\n"
}

/// HTTP/1.1 with keep-alive over blocking POSIX sockets, one thread per connection.
struct SocketClient {
    let options: Options

    func run(_ bodies: [[UInt8]], progress: Progress) {
        let head = requestHead(options.url)
        let host = options.url.host!
        let port = options.url.port ?? 80
        let finished = DispatchGroup()
        for _ in 0..<options.connections {
            finished.enter()
            Thread {
                var connection = HTTPConnection(host: host, port: port)
                var latencies: [Double] = []
                while let index = progress.take(below: bodies.count) {
                    let started = ContinuousClock.now
                    connection.send(Array("\(head)Content-Length: \(bodies[index].count)\r\n\r\n".utf8))
                    connection.send(bodies[index])
                    let response = connection.readResponse()
                    latencies.append(milliseconds(since: started))
                    guard (200..<300).contains(response.status) else {
                        fail("request \(index) answered \(response.status): \(response.body)")
                    }
                    if response.closes { connection = HTTPConnection(host: host, port: port) }
                }
                progress.record(latencies)
                finished.leave()
            }.start()
        }
        finished.wait()
    }
}

/// One keep-alive connection; any transport error ends the run.
struct HTTPConnection {
    private let socket: Int32
    private var pending: [UInt8] = []

    init(host: String, port: Int) {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else { fail("host \(host) is not an IPv4 address") }
        socket = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { fail("socket: \(String(cString: strerror(errno)))") }
        var on: Int32 = 1
        setsockopt(socket, Int32(IPPROTO_TCP), TCP_NODELAY, &on, socklen_t(MemoryLayout<Int32>.size))
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { fail("connect to \(host):\(port): \(String(cString: strerror(errno)))") }
    }

    func send(_ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes.withUnsafeBytes { Foundation.send(socket, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL)) }
            guard sent > 0 else { fail("send: \(String(cString: strerror(errno)))") }
            offset += sent
        }
    }

    /// Reads one response: its status, its body as text, and whether the server closes the connection.
    mutating func readResponse() -> (status: Int, body: String, closes: Bool) {
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        var headEnd: Int?
        while headEnd == nil {
            headEnd = pending.firstRange(of: separator)?.upperBound
            if headEnd == nil { receive() }
        }
        let head = String(decoding: pending[..<headEnd!], as: UTF8.self).lowercased()
        pending.removeFirst(headEnd!)
        let lines = head.split(separator: "\r\n")
        let status = lines.first.flatMap { Int($0.split(separator: " ").dropFirst().first ?? "") } ?? 0
        func header(_ name: String) -> String? {
            lines.dropFirst().first { $0.hasPrefix(name + ":") }.map { $0.dropFirst(name.count + 1).trimmingCharacters(in: .whitespaces) }
        }
        var body: [UInt8] = []
        if let length = header("content-length").flatMap({ Int($0) }) {
            while pending.count < length { receive() }
            body = Array(pending[..<length])
            pending.removeFirst(length)
        } else if header("transfer-encoding") == "chunked" {
            let end: [UInt8] = Array("0\r\n\r\n".utf8)
            while pending.firstRange(of: end) == nil { receive() }
            let upper = pending.firstRange(of: end)!.upperBound
            body = Array(pending[..<upper])
            pending.removeFirst(upper)
        }
        return (status, String(decoding: body, as: UTF8.self), header("connection") == "close")
    }

    private mutating func receive() {
        var buffer = [UInt8](repeating: 0, count: 65_536)
        let count = buffer.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { fail("the server closed the connection or failed: \(count < 0 ? String(cString: strerror(errno)) : "EOF")") }
        pending += buffer[..<count]
    }
}

/// Foundation's URLSession with one connection per worker task.
struct URLSessionClient {
    let options: Options

    func run(_ bodies: [[UInt8]], progress: Progress) async {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpMaximumConnectionsPerHost = options.connections
        configuration.timeoutIntervalForRequest = 300
        let session = URLSession(configuration: configuration)
        let url = options.url
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<options.connections {
                group.addTask {
                    var latencies: [Double] = []
                    while let index = progress.take(below: bodies.count) {
                        var request = URLRequest(url: url)
                        request.httpMethod = "POST"
                        request.setValue("text/plain; charset=utf-8", forHTTPHeaderField: "Content-Type")
                        request.httpBody = Data(bodies[index])
                        let started = ContinuousClock.now
                        do {
                            let (data, response) = try await session.data(for: request)
                            latencies.append(milliseconds(since: started))
                            let status = (response as? HTTPURLResponse)?.statusCode ?? 0
                            guard (200..<300).contains(status) else {
                                fail("request \(index) answered \(status): \(String(decoding: data, as: UTF8.self))")
                            }
                        } catch {
                            fail("request \(index) failed: \(error)")
                        }
                    }
                    progress.record(latencies)
                }
            }
        }
        session.invalidateAndCancel()
    }
}
