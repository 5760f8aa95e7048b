import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Logging
import NIOWebSocket
import Synchronization
import Testing
import TradewatchTestSupport
import WSClient

/// A WebSocket client of `/api/v1/stream` for tests: messages received are kept in order, and
/// messages to send are queued.
private final class LiveTestClient: Sendable {
    private final class Received: Sendable {
        let texts = Mutex<[String]>([])
        func withLock<T: Sendable>(_ body: (inout [String]) -> T) -> T { texts.withLock { body(&$0) } }
    }

    private let received = Received()
    private let outgoing: AsyncStream<String>.Continuation
    let connection: Task<WebSocketCloseFrame?, any Error>

    init(_ base: URL) {
        let (stream, continuation) = AsyncStream.makeStream(of: String.self)
        outgoing = continuation
        let url = base.absoluteString.replacingOccurrences(of: "http://", with: "ws://") + "/api/v1/stream"
        connection = Task { [received] in
            try await WebSocketClient.connect(
                url: url, configuration: .init(maxFrameSize: 1 << 24), logger: Logger(label: "live-test")
            ) { inbound, outbound, _ in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        for try await message in inbound.messages(maxSize: 1 << 26) {
                            if case .text(let text) = message { received.withLock { $0.append(text) } }
                        }
                        // The server closed: stop sending too, so the handler returns.
                        continuation.finish()
                    }
                    for await text in stream { try await outbound.write(.text(text)) }
                    group.cancelAll()
                }
            }
        }
    }

    func send(_ text: String) { outgoing.yield(text) }

    /// Ends the connection from the client's side.
    func close() { outgoing.finish() }

    /// Every message received so far, parsed.
    var messages: [[String: Any]] {
        received.withLock { $0 }.map { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any] ?? [:] }
    }

    /// Waits until `condition` holds for the messages received, or fails after `timeout` (generous:
    /// at the start of a parallel test run a server and a WebSocket handshake can take many seconds).
    @discardableResult
    func wait(
        timeout: Duration = .seconds(30), _ what: String, until condition: ([[String: Any]]) -> Bool
    ) async throws -> [[String: Any]] {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let current = messages
            if condition(current) { return current }
            try await Task.sleep(for: .milliseconds(20))
        }
        Issue.record("timed out waiting for \(what); received \(received.withLock { $0 })")
        throw ServerProcessError("timed out waiting for \(what)")
    }

    /// Waits for the reply of op `op` to the message with `id`.
    func reply(_ op: String, id: String?) async throws -> [String: Any] {
        let found = try await wait("\(op) for \(id ?? "no id")") { messages in
            messages.contains { $0["op"] as? String == op && $0["id"] as? String == id }
        }
        return found.last { $0["op"] as? String == op && $0["id"] as? String == id }!
    }

    /// Rows received for subscription `id`, in order.
    func rows(_ id: String) -> [[String: Any]] {
        messages.filter { $0["op"] as? String == "rows" && $0["id"] as? String == id }
            .flatMap { $0["rows"] as? [[String: Any]] ?? [] }
    }
}

@discardableResult
private func write(_ base: URL, _ lines: String) async throws -> Int64 {
    var request = URLRequest(url: URL(string: base.absoluteString + "/write?precision=s")!)
    request.httpMethod = "POST"
    request.httpBody = Data(lines.utf8)
    let (data, response) = try await URLSession.shared.data(for: request)
    let http = response as? HTTPURLResponse
    #expect(http?.statusCode == 204, "write failed: \(String(decoding: data, as: UTF8.self))")
    return Int64(http?.value(forHTTPHeaderField: "X-Tradewatch-Commit") ?? "") ?? -1
}

/// `tradewatch_live_rows_dropped_total` from `/metrics`: rows dropped for live clients that could not keep up.
private func liveRowsDropped(_ base: URL) async throws -> Int {
    let (data, _) = try await URLSession.shared.data(from: URL(string: base.absoluteString + "/metrics")!)
    let line = String(decoding: data, as: UTF8.self).split(separator: "\n")
        .first { $0.hasPrefix("tradewatch_live_rows_dropped_total") }
    return line.flatMap { $0.split(separator: " ").last }.flatMap { Double($0) }.map { Int($0) } ?? 0
}

/// 1767225600 is 2026-01-01T00:00:00Z.
private let midnight = 1_767_225_600

/// The live stream of a real server, with data written through `/write`.
@Suite(.serialized, .timeLimit(.minutes(5))) struct LiveStreamTests {
    private func startServer(_ folder: TemporaryDirectory) async throws -> (ServerProcess, URL) {
        let server = try ServerProcess(["serve", "--port", "0", "--data-dir", folder.path("data")])
        return (server, try await server.waitUntilListening())
    }

    @Test func subscribersReceiveExactlyTheMatchingRowsAndBadMessagesGetErrors() async throws {
        let folder = try TemporaryDirectory()
        let (server, base) = try await startServer(folder)
        defer { server.signal(SIGTERM) }
        let client = LiveTestClient(base)
        client.send(#"{"op":"subscribe","id":"aapl","table":"trades","filter":{"symbol":["AAPL"],"venue":"X"}}"#)
        client.send(#"{"op":"subscribe","id":"cpu","table":"metrics","filter":{"name":"cpu"}}"#)
        _ = try await client.reply("subscribed", id: "aapl")
        _ = try await client.reply("subscribed", id: "cpu")

        try await write(base, """
            trades,symbol=AAPL,venue=X,desk=eq price=101,qty=1,side="buy" \(midnight)
            trades,symbol=AAPL,venue=Y price=102,qty=1 \(midnight + 1)
            trades,symbol=MSFT,venue=X price=300,qty=2 \(midnight + 2)
            cpu,host=a value=0.5 \(midnight)
            mem free=10i \(midnight)
            """)
        try await write(base, "trades,symbol=AAPL,venue=X price=103,qty=4 \(midnight + 3)")
        try await client.wait("both AAPL rows") { _ in client.rows("aapl").count >= 2 }
        try await client.wait("the cpu row") { _ in client.rows("cpu").count >= 1 }
        // Later writes prove nothing else was on its way.
        try await write(base, "trades,symbol=AAPL,venue=X price=104,qty=1 \(midnight + 4)")
        try await client.wait("the third AAPL row") { _ in client.rows("aapl").count >= 3 }
        let aapl = client.rows("aapl")
        #expect(aapl.compactMap { $0["price"] as? Double } == [101, 103, 104])
        #expect(aapl.first?["ts"] as? String == "2026-01-01T00:00:00.000000000Z")
        #expect((aapl.first?["labels"] as? [String: Any])?["desk"] as? String == "eq")
        #expect(aapl.first?["side"] as? String == "buy")
        #expect(client.rows("cpu").map { $0["value"] as? Double } == [0.5])
        #expect(client.rows("cpu").first?["name"] as? String == "cpu")

        for (message, id, fragment) in [
            ("not json", nil, "not valid JSON"),
            (#"{"op":"subscribe","table":"trades"}"#, nil, "field id is missing"),
            (#"{"op":"dance","id":"d"}"#, "d", "op \"dance\" is unknown"),
            (#"{"op":"subscribe","id":"t","table":"orders"}"#, "t", "table \"orders\" is unknown"),
            (#"{"op":"subscribe","id":"f","table":"trades","filter":{"symbol":5}}"#, "f", "filter.symbol must be a string"),
            (#"{"op":"subscribe","id":"l","table":"trades","filter":{"level":"error"}}"#, "l", "cannot be filtered on level"),
            (#"{"op":"subscribe","id":"c","table":"candles","symbol":"AAPL","interval":"7x"}"#, "c", "interval must be a duration"),
            (#"{"op":"subscribe","id":"aapl","table":"trades"}"#, "aapl", "already subscribed"),
            (#"{"op":"unsubscribe","id":"nope"}"#, "nope", "nope"),
            ("{\"op\":\"subscribe\",\"id\":\"big\",\"table\":\"trades\",\"pad\":\"\(String(repeating: "x", count: 70_000))\"}", nil, "limit is 65536 bytes"),
        ] {
            let before = client.messages.count
            client.send(message)
            let after = try await client.wait("an error for \(message.prefix(60))") { $0.count > before }
            let error = after[before]
            #expect(error["op"] as? String == "error", "\(message.prefix(60)): \(error)")
            #expect(error["id"] as? String == id, "\(message.prefix(60)): \(error)")
            #expect((error["message"] as? String)?.contains(fragment) == true, "\(message.prefix(60)): \(error)")
        }

        // Snapshot: the latest values matching the subscription's filter.
        client.send(#"{"op":"snapshot","id":"aapl"}"#)
        let snapshot = try await client.reply("snapshot", id: "aapl")
        let latest = try #require((snapshot["rows"] as? [[String: Any]])?.first)
        #expect(latest["price"] as? Double == 104)
        #expect((snapshot["rows"] as? [Any])?.count == 1)
        // Other tables: the last row per key, read from the store.
        try await write(base, """
            logs,level=error,service=api message="first" \(midnight)
            logs,level=error,service=api message="second" \(midnight + 1)
            logs,level=info,service=api message="hello" \(midnight + 2)
            logs,level=error,service=db message="disk" \(midnight + 3)
            """)
        client.send(#"{"op":"subscribe","id":"errors","table":"logs","filter":{"level":"error"}}"#)
        _ = try await client.reply("subscribed", id: "errors")
        client.send(#"{"op":"snapshot","id":"errors"}"#)
        let logs = try await client.reply("snapshot", id: "errors")
        #expect((logs["rows"] as? [[String: Any]])?.compactMap { $0["message"] as? String } == ["second", "disk"])

        // Still usable after all of it; unsubscribing stops the rows.
        client.send(#"{"op":"unsubscribe","id":"aapl"}"#)
        _ = try await client.reply("unsubscribed", id: "aapl")
        try await write(base, "trades,symbol=AAPL,venue=X price=105,qty=1 \(midnight + 5)\ncpu value=0.9 \(midnight + 5)")
        try await client.wait("the second cpu row") { _ in client.rows("cpu").count >= 2 }
        try await Task.sleep(for: .milliseconds(300))
        #expect(client.rows("aapl").count == 3)
        client.close()
        _ = try await client.connection.value
    }

    @Test func framesAreCoalescedToTenPerSecondWithEveryRowDelivered() async throws {
        let folder = try TemporaryDirectory()
        let (server, base) = try await startServer(folder)
        defer { server.signal(SIGTERM) }
        let client = LiveTestClient(base)
        client.send(#"{"op":"subscribe","id":"all","table":"trades"}"#)
        _ = try await client.reply("subscribed", id: "all")
        let started = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writerIndex in 0..<5 {
                group.addTask {
                    for batch in 0..<10 {
                        try await write(base, "trades,symbol=S\(writerIndex) price=\(batch),qty=1 \(midnight + batch)")
                    }
                }
            }
            try await group.waitForAll()
        }
        try await client.wait("all 50 rows") { _ in client.rows("all").count >= 50 }
        let elapsed = ContinuousClock.now - started
        let frames = client.messages.filter { $0["op"] as? String == "rows" }.count
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        #expect(client.rows("all").count == 50)
        #expect(Double(frames) <= seconds * 10 + 2, "\(frames) frames in \(seconds) s")
        #expect(frames < 50)
        client.close()
    }

    @Test func resumingFromACommitReplaysWhatWasMissedWithNoGapAndNoDuplicate() async throws {
        let folder = try TemporaryDirectory()
        let (server, base) = try await startServer(folder)
        defer { server.signal(SIGTERM) }
        let subscribe = #"{"op":"subscribe","id":"r","table":"trades","filter":{"symbol":"AAPL"}"#
        var price = 0
        func nextLines(_ count: Int) -> String {
            (0..<count).map { _ in
                price += 1
                return "trades,symbol=AAPL price=\(price),qty=1 \(midnight + price)\ntrades,symbol=MSFT price=\(price),qty=1 \(midnight + price)"
            }.joined(separator: "\n")
        }
        let first = LiveTestClient(base)
        first.send(subscribe + "}")
        _ = try await first.reply("subscribed", id: "r")
        try await write(base, nextLines(3))
        try await first.wait("the first rows") { _ in first.rows("r").count >= 3 }
        let lastSeen = try #require(first.messages.last { $0["op"] as? String == "rows" }?["commit"] as? Int)
        first.close()
        _ = try await first.connection.value

        for _ in 0..<4 { try await write(base, nextLines(2)) }  // missed while disconnected
        let second = LiveTestClient(base)
        second.send(subscribe + ",\"from_commit\":\(lastSeen)}")
        // Writes racing the replay must come through exactly once too.
        for _ in 0..<5 { try await write(base, nextLines(1)) }
        let total = price
        try await second.wait("every row after the first three") { _ in second.rows("r").count >= total - 3 }
        try await Task.sleep(for: .milliseconds(300))
        let prices = second.rows("r").compactMap { $0["price"] as? Double }.map { Int($0) }
        #expect(prices == Array(4...total))
        let commits = second.messages.filter { $0["op"] as? String == "rows" }.compactMap { $0["commit"] as? Int }
        #expect(commits == commits.sorted())
        #expect(second.messages.first?["op"] as? String == "subscribed")

        second.send(#"{"op":"subscribe","id":"x","table":"candles","symbol":"AAPL","interval":"1m","from_commit":1}"#)
        let refused = try await second.reply("error", id: "x")
        #expect((refused["message"] as? String)?.contains("from_commit") == true)
        second.close()
    }

    @Test func liveCandlesMatchTheCandlesQueryOnceFinalAndALateTradeRevisesABar() async throws {
        let folder = try TemporaryDirectory()
        let (server, base) = try await startServer(folder)
        defer { server.signal(SIGTERM) }
        let client = LiveTestClient(base)
        client.send(#"{"op":"subscribe","id":"c","table":"candles","symbol":"AAPL","interval":"1m"}"#)
        _ = try await client.reply("subscribed", id: "c")
        try await write(base, """
            trades,symbol=AAPL price=10,qty=1 \(midnight + 1)
            trades,symbol=AAPL price=12,qty=2 \(midnight + 20)
            trades,symbol=MSFT price=99,qty=5 \(midnight + 21)
            trades,symbol=AAPL price=9,qty=1 \(midnight + 30)
            """)
        try await write(base, "trades,symbol=AAPL price=11,qty=1 \(midnight + 59)")
        try await write(base, "trades,symbol=AAPL price=20,qty=1 \(midnight + 61)")  // opens the next bar
        func bars(final: Bool, revised: Bool) -> [[String: Any]] {
            client.messages.filter {
                $0["op"] as? String == "candle" && $0["final"] as? Bool == final && $0["revised"] as? Bool == revised
            }.compactMap { $0["bar"] as? [String: Any] }
        }
        try await client.wait("the first bar final") { _ in !bars(final: true, revised: false).isEmpty }
        let final = try #require(bars(final: true, revised: false).first)

        let window = "start=2026-01-01T00:00:00Z&end=2026-01-01T00:01:00Z"
        func queried() async throws -> [String: Any] {
            let (status, body) = try await get(URL(string: base.absoluteString + "/api/v1/candles?symbol=AAPL&interval=1m&\(window)")!)
            #expect(status == 200)
            let json = try JSONSerialization.jsonObject(with: body) as? [String: Any]
            return try #require((json?["rows"] as? [[String: Any]])?.first)
        }
        let expected = try await queried()
        for field in ["open", "high", "low", "close", "volume", "vwap"] {
            #expect(final[field] as? Double == expected[field] as? Double, "\(field): \(final) vs \(expected)")
        }
        #expect(final["trade_count"] as? Int == expected["trade_count"] as? Int)
        #expect(final["ts"] as? String == "2026-01-01T00:00:00.000000000Z")
        #expect(final["open"] as? Double == 10 && final["high"] as? Double == 12 && final["low"] as? Double == 9)

        try await write(base, "trades,symbol=AAPL price=30,qty=3 \(midnight + 45)")  // late, for the closed bar
        try await client.wait("a revised bar") { _ in !bars(final: true, revised: true).isEmpty }
        let revised = try #require(bars(final: true, revised: true).last)
        let requeried = try await queried()
        #expect(revised["high"] as? Double == 30)
        for field in ["open", "high", "low", "close", "volume", "vwap"] {
            #expect(revised[field] as? Double == requeried[field] as? Double, "\(field): \(revised) vs \(requeried)")
        }
        client.close()
    }

    @Test func shutdownClosesLiveConnectionsWithGoingAway() async throws {
        let folder = try TemporaryDirectory()
        let (server, base) = try await startServer(folder)
        let client = LiveTestClient(base)
        client.send(#"{"op":"subscribe","id":"s","table":"logs"}"#)
        _ = try await client.reply("subscribed", id: "s")
        server.signal(SIGTERM)
        let closeFrame = try await client.connection.value
        #expect(closeFrame?.closeCode == .goingAway, "\(String(describing: closeFrame))")
        #expect(try await server.waitForExit() == 0)
    }

    @Test func aPlainGetIsToldToUpgrade() async throws {
        let folder = try TemporaryDirectory()
        let (server, base) = try await startServer(folder)
        defer { server.signal(SIGTERM) }
        let (status, body) = try await get(URL(string: base.absoluteString + "/api/v1/stream")!)
        #expect(status == 426)
        #expect(String(decoding: body, as: UTF8.self).contains("WebSocket"))
        let (_, metrics) = try await get(URL(string: base.absoluteString + "/metrics")!)
        let text = String(decoding: metrics, as: UTF8.self)
        for name in ["tradewatch_live_clients", "tradewatch_live_subscriptions", "tradewatch_live_frames_total", "tradewatch_live_rows_dropped_total"] {
            #expect(text.contains(name), "\(name) missing from /metrics")
        }
    }

    /// A client that stops reading has its oldest rows dropped and is told so (`lagged`), while a
    /// client reading along gets every row, and ingestion never waits on either.
    @Test func aSlowClientLagsWhileAFastOneReceivesEverything() async throws {
        let folder = try TemporaryDirectory()
        let server = try ServerProcess([
            "serve", "--port", "0", "--data-dir", folder.path("data"), "--live-buffer-rows", "20000",
        ])
        let base = try await server.waitUntilListening()
        defer { server.signal(SIGTERM) }
        let fast = LiveTestClient(base)
        let slow = SlowLiveClient(base)
        fast.send(#"{"op":"subscribe","id":"all","table":"trades"}"#)
        _ = try await fast.reply("subscribed", id: "all")
        try await slow.subscribed()

        // More than the sockets' buffers hold, so the slow client's rows pile up in the hub: how
        // much that takes depends on the kernel's buffers, so write until the server reports
        // dropped rows (at least 40 batches, at most 200), then two more.
        let perBatch = 5_000
        var batches = 0
        var extra = 2
        while batches < 200, extra > 0 {
            let batch = batches
            let lines = (0..<perBatch).map { index in
                "trades,symbol=S\(index % 50),venue=V\(index % 4) price=\(100 + index % 7),qty=1,trade_id=\"b\(batch)-\(index)\" \(midnight + batch)"
            }
            try await write(base, lines.joined(separator: "\n"))
            batches += 1
            if batches >= 40, try await liveRowsDropped(base) > 0 { extra -= 1 }
        }
        var received = 0
        for _ in 0..<240 where received < batches * perBatch {
            try await Task.sleep(for: .milliseconds(500))
            received = fast.rows("all").count
        }
        #expect(received == batches * perBatch, "the fast client received \(received) rows")
        #expect(!fast.messages.contains { $0["op"] as? String == "lagged" })

        let messages = try await slow.readEverything(rows: batches * perBatch)
        let lagged = messages.filter { $0["op"] as? String == "lagged" }
        let dropped = lagged.compactMap { $0["dropped"] as? Int }.reduce(0, +)
        let delivered = messages.filter { $0["op"] as? String == "rows" }.reduce(0) { $0 + (($1["rows"] as? [Any])?.count ?? 0) }
        #expect(!lagged.isEmpty, "the slow client was never told it lagged")
        #expect(dropped > 0 && delivered + dropped == batches * perBatch, "delivered \(delivered) + dropped \(dropped)")
    }
}

/// A live client that subscribes, then reads nothing until asked to: the server's writes to it
/// back up until its rows pile up in the hub.
private final class SlowLiveClient: Sendable {
    private let start: AsyncStream<Int>.Continuation
    private let subscribedSignal: AsyncStream<Void>
    private let connection: Task<[String], any Error>

    init(_ base: URL) {
        let (startStream, start) = AsyncStream.makeStream(of: Int.self)
        let (subscribedStream, subscribed) = AsyncStream.makeStream(of: Void.self)
        self.start = start
        subscribedSignal = subscribedStream
        let url = base.absoluteString.replacingOccurrences(of: "http://", with: "ws://") + "/api/v1/stream"
        connection = Task {
            let texts = Mutex<[String]>([])
            _ = try await WebSocketClient.connect(
                url: url, configuration: .init(maxFrameSize: 1 << 24), logger: Logger(label: "slow-live-test")
            ) { inbound, outbound, _ in
                try await outbound.write(.text(#"{"op":"subscribe","id":"all","table":"trades"}"#))
                var messages = inbound.messages(maxSize: 1 << 26).makeAsyncIterator()
                _ = try await messages.next()  // "subscribed"
                subscribed.yield()
                var expected = 0
                for await rows in startStream {
                    expected = rows
                    break
                }
                // Read until every row written is accounted for: delivered or reported dropped.
                var accounted = 0
                while accounted < expected, case .text(let text) = try await messages.next() {
                    texts.withLock { $0.append(text) }
                    let object = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
                    accounted += (object["rows"] as? [Any])?.count ?? (object["dropped"] as? Int) ?? 0
                }
                try await outbound.close(.normalClosure, reason: nil)
            }
            return texts.withLock { $0 }
        }
    }

    func subscribed() async throws {
        for await _ in subscribedSignal { return }
    }

    /// Starts reading, and returns every message once `rows` rows are accounted for.
    func readEverything(rows: Int) async throws -> [[String: Any]] {
        start.yield(rows)
        return try await connection.value.map {
            (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any] ?? [:]
        }
    }
}
