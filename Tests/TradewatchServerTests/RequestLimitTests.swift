import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Logging
import Synchronization
import Testing
import TradewatchTestSupport
import WSClient

/// Request limits of a real server, each with its answer and its counter in /metrics: gzip
/// bombs, lines per request and line length, header size, read and idle timeouts (a slowloris
/// client), and the most connections.
@Suite(.serialized, .timeLimit(.minutes(3))) struct RequestLimitTests {
    @Test func gzipBombsAreRefusedWithoutBeingInflatedWhole() async throws {
        let folder = try TemporaryDirectory()
        // 2 MiB as sent, so 8 MiB inflated.
        let server = try ServerProcess([
            "serve", "--port", "0", "--data-dir", folder.path("data"), "--max-body-size", "2097152",
        ])
        let base = try await server.waitUntilListening()
        let tenMegabytes = try shell("head -c 10000000 /dev/zero | gzip -c")
        #expect(tenMegabytes.count < 20_000)
        let oneGigabyte = try shell("head -c 1073741824 /dev/zero | gzip -9 -c")
        #expect(oneGigabyte.count < 2_097_152)
        let peakBefore = try peakMemoryBytes(server.pid)
        for bomb in [tenMegabytes, oneGigabyte] {
            let answer = try await limitCall(
                "POST", base, "/api/v2/write", body: bomb, headers: ["Content-Encoding": "gzip"])
            #expect(answer.status == 413)
            #expect(answer.body.contains("the gzip body inflates beyond 8388608 bytes"), "\(answer.body)")
        }
        // A body over the limit as sent is refused before it is read further.
        let large = try await limitCall("POST", base, "/api/v2/write", body: Data(repeating: 0x20, count: 3_000_000))
        #expect(large.status == 413)
        #expect(large.body.contains(#""message":"the request body exceeds 2097152 bytes (--max-body-size)""#), "\(large.body)")
        // Inflating the gigabyte whole would have taken a gigabyte.
        let growth = try peakMemoryBytes(server.pid) - peakBefore
        #expect(growth < 256 * 1024 * 1024, "peak memory grew by \(growth) bytes")
        let metrics = try await limitCall("GET", base, "/metrics").body
        #expect(metrics.contains(#"tradewatch_request_limit_total{limit="inflated_size"} 2"#), "\(metrics)")
        #expect(metrics.contains(#"tradewatch_request_limit_total{limit="body_size"} 1"#))
    }

    @Test func linesPerRequestAndLineLengthAreLimited() async throws {
        let folder = try TemporaryDirectory()
        let server = try ServerProcess([
            "serve", "--port", "0", "--data-dir", folder.path("data"), "--max-lines", "10", "--max-line-bytes", "100",
        ])
        let base = try await server.waitUntilListening()
        func lines(_ count: Int) -> Data {
            Data((0..<count).map { "lines,symbol=L value=\($0) \(1_767_225_600_000_000_000 + $0)\n" }.joined().utf8)
        }
        #expect(try await limitCall("POST", base, "/write", body: lines(10)).status == 204)
        let tooMany = try await limitCall("POST", base, "/write", body: lines(11))
        #expect(tooMany.status == 413)
        #expect(tooMany.body.contains("the request has more than 10 lines (--max-lines)"), "\(tooMany.body)")
        let long = "lines value=1\nlines value=2\nlines,pad=\(String(repeating: "x", count: 120)) value=3\n"
        let tooLong = try await limitCall("POST", base, "/api/v2/write", body: Data(long.utf8))
        #expect(tooLong.status == 400)
        #expect(
            tooLong.body.contains("line 3 is 138 bytes long; a line may have at most 100 bytes (--max-line-bytes)"),
            "\(tooLong.body)")
        let count = try await limitCall(
            "POST", base, "/api/v1/query", body: Data(#"{"sql":"SELECT count(*) FROM metrics WHERE name = 'lines'"}"#.utf8),
            contentType: "application/json")
        #expect(count.body.contains("[[10]]"), "\(count.body)")
        let metrics = try await limitCall("GET", base, "/metrics").body
        #expect(metrics.contains(#"tradewatch_request_limit_total{limit="lines"} 1"#), "\(metrics)")
        #expect(metrics.contains(#"tradewatch_request_limit_total{limit="line_length"} 1"#))
    }

    @Test func anOversizedRequestHeadGets431AndTheConnectionCloses() async throws {
        let folder = try TemporaryDirectory()
        let server = try ServerProcess([
            "serve", "--port", "0", "--data-dir", folder.path("data"), "--max-header-bytes", "4096",
        ])
        let base = try await server.waitUntilListening()
        let port = try #require(base.port)
        let small = try RawConnection(port: port)
        small.send("GET /health HTTP/1.1\r\nHost: x\r\nX-Pad: \(String(repeating: "a", count: 3000))\r\nConnection: close\r\n\r\n")
        #expect(try await small.readUntilClosed(timeout: .seconds(5)).data.httpStatus == 200)
        let large = try RawConnection(port: port)
        large.send("GET /health HTTP/1.1\r\nHost: x\r\nX-Pad: \(String(repeating: "a", count: 8000))\r\n\r\n")
        let refused = try await large.readUntilClosed(timeout: .seconds(5))
        #expect(refused.closed)
        #expect(refused.data.httpStatus == 431)
        let text = String(decoding: refused.data, as: UTF8.self)
        #expect(text.contains("its target and header fields may take 4096 bytes together (--max-header-bytes)"), "\(text)")
        let metrics = try await limitCall("GET", base, "/metrics").body
        #expect(metrics.contains(#"tradewatch_request_limit_total{limit="header_size"} 1"#), "\(metrics)")
    }

    @Test func aSlowlorisClientIsCutOffAtTheReadTimeout() async throws {
        let folder = try TemporaryDirectory()
        let server = try ServerProcess([
            "serve", "--port", "0", "--data-dir", folder.path("data"), "--read-timeout", "2", "--idle-timeout", "30",
        ])
        let base = try await server.waitUntilListening()
        let port = try #require(base.port)
        // A header byte every second, for up to 20 bytes.
        let trickled = try RawConnection(port: port)
        let head = Array("GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: 1234567890\r\n\r\n".utf8)
        let started = ContinuousClock.now
        var answer = Data()
        var closed = false
        for byte in head.prefix(20) where !closed {
            if !trickled.send([byte]) { closed = true }
            let read = try await trickled.read(timeout: .seconds(1)) { $0.hasHTTPHead }
            answer.append(read.data)
            closed = closed || read.closed || answer.hasHTTPHead
        }
        let elapsed = ContinuousClock.now - started
        #expect(closed, "the connection still open after \(elapsed)")
        #expect(elapsed < .milliseconds(3500), "cut off after \(elapsed); the read timeout is 2 s")
        #expect(answer.httpStatus == 408, "\(String(decoding: answer, as: UTF8.self))")
        // A body trickled after a quick head is cut off the same way.
        let slowBody = try RawConnection(port: port)
        slowBody.send("POST /write HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nslow value=")
        var bodyAnswer = Data()
        for _ in 0..<10 where !bodyAnswer.hasHTTPHead {
            slowBody.send("1")
            bodyAnswer.append(try await slowBody.read(timeout: .milliseconds(500)) { $0.hasHTTPHead }.data)
        }
        #expect(bodyAnswer.httpStatus == 408, "\(String(decoding: bodyAnswer, as: UTF8.self))")
        // A request sent whole is answered as usual.
        #expect(try await limitCall("GET", base, "/health").status == 200)
        let metrics = try await limitCall("GET", base, "/metrics").body
        #expect(metrics.contains(#"tradewatch_request_limit_total{limit="read_timeout"} 2"#), "\(metrics)")
    }

    @Test func idleConnectionsAreClosedButLiveWebSocketsStay() async throws {
        let folder = try TemporaryDirectory()
        let server = try ServerProcess([
            "serve", "--port", "0", "--data-dir", folder.path("data"), "--read-timeout", "1", "--idle-timeout", "1",
        ])
        let base = try await server.waitUntilListening()
        let silent = try RawConnection(port: try #require(base.port))
        let started = ContinuousClock.now
        let outcome = try await silent.readUntilClosed(timeout: .seconds(5))
        #expect(outcome.closed)
        #expect(outcome.data.isEmpty)
        #expect(ContinuousClock.now - started < .milliseconds(2500))
        // A WebSocket quiet for longer than both timeouts still answers.
        let subscribed = Atomic(false)
        let url = base.absoluteString.replacingOccurrences(of: "http://", with: "ws://") + "/api/v1/stream"
        _ = try await WebSocketClient.connect(url: url, logger: Logger(label: "request-limit-test")) { inbound, outbound, _ in
            try await Task.sleep(for: .milliseconds(2500))
            try await outbound.write(.text(#"{"op":"subscribe","id":"s","table":"trades"}"#))
            for try await message in inbound.messages(maxSize: 1 << 20) {
                guard case .text(let text) = message, text.contains(#""op":"subscribed""#) else { continue }
                subscribed.store(true, ordering: .relaxed)
                try await outbound.close(.normalClosure, reason: nil)
                return
            }
        }
        let answered = subscribed.load(ordering: .relaxed)
        #expect(answered, "the live stream was closed while quiet")
        let metrics = try await limitCall("GET", base, "/metrics").body
        #expect(metrics.contains(#"tradewatch_request_limit_total{limit="idle_timeout"}"#), "\(metrics)")
    }

    @Test func connectionsBeyondTheLimitAreAnswered503() async throws {
        let folder = try TemporaryDirectory()
        let server = try ServerProcess([
            "serve", "--port", "0", "--data-dir", folder.path("data"), "--max-connections", "3",
        ])
        let base = try await server.waitUntilListening()
        let port = try #require(base.port)
        let held = try (0..<3).map { _ in try RawConnection(port: port) }
        // Every held connection is open once one of them has been answered.
        held[0].send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(try await held[0].read(timeout: .seconds(5)) { $0.hasHTTPHead }.data.httpStatus == 200)
        let extra = try RawConnection(port: port)
        extra.send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
        let refused = try await extra.readUntilClosed(timeout: .seconds(5))
        #expect(refused.closed)
        #expect(refused.data.httpStatus == 503)
        let text = String(decoding: refused.data, as: UTF8.self)
        #expect(text.lowercased().contains("retry-after: 1"))
        #expect(text.contains("the server has 3 connections open, its limit (--max-connections)"), "\(text)")
        for connection in held { connection.close() }
        // Places free up as the server sees the connections close.
        var status = 0
        for _ in 0..<50 where status != 200 {
            let next = try RawConnection(port: port)
            next.send("GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            let answer = try await next.readUntilClosed(timeout: .seconds(5))
            status = answer.data.httpStatus ?? 0
            if status == 200 {
                let body = String(decoding: answer.data, as: UTF8.self)
                #expect(body.contains(#"tradewatch_request_limit_total{limit="max_connections"}"#))
            } else {
                try await Task.sleep(for: .milliseconds(100))
            }
        }
        #expect(status == 200)
    }
}

/// Runs a shell pipeline and returns what it wrote.
private func shell(_ command: String) throws -> Data {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/sh")
    process.arguments = ["-c", command]
    let output = Pipe()
    process.standardOutput = output
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else { throw ServerProcessError("\(command) exited with \(process.terminationStatus)") }
    return data
}

/// The process's peak resident memory (VmHWM).
private func peakMemoryBytes(_ pid: Int32) throws -> Int {
    let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
    let line = try #require(status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") })
    let kilobytes = try #require(Int(line.split(separator: " ", omittingEmptySubsequences: true)[1]))
    return kilobytes * 1024
}
