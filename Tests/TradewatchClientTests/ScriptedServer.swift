import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// A small HTTP server on 127.0.0.1 that answers Tradewatch's write endpoints from a script
/// (for example 503, 503, 429, then 204 for ever) and keeps every request it saw.
final class ScriptedServer: Sendable {
    struct Answer: Sendable {
        var status: Int
        var retryAfter: Int? = nil
        var body: String = ""
        static let stored = Answer(status: 204)
    }

    struct Received: Sendable {
        let path: String
        let authorization: String?
        let body: String
        let status: Int
        let at: ContinuousClock.Instant
    }

    private let state: Mutex<(script: [Answer], received: [Received])>

    private init(script: [Answer]) {
        state = Mutex((script, []))
    }

    /// Every request so far, in arrival order, with the status it was answered.
    var received: [Received] { state.withLock { $0.received } }

    /// The bodies of the requests answered with 2xx, split into lines (line protocol) or kept
    /// whole (JSON).
    var storedLines: [String] {
        received.filter { (200..<300).contains($0.status) }.flatMap { request in
            request.path.hasPrefix("/api/v2/write")
                ? request.body.split(separator: "\n").map(String.init) : [request.body]
        }
    }

    /// Runs a server answering from `script` (then 204), calls `body` with its base URL, and
    /// stops it.
    static func withServer<Result: Sendable>(
        script: [Answer] = [], _ body: (URL, ScriptedServer) async throws -> Result
    ) async throws -> Result {
        let server = ScriptedServer(script: script)
        let router = Router()
        router.post("api/v2/write") { request, _ in try await server.answer(request) }
        router.post("api/v1/:table") { request, _ in try await server.answer(request) }
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        var logger = Logger(label: "scripted-server")
        logger.logLevel = .warning
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in portContinuation.yield(channel.localAddress?.port ?? 0) }, logger: logger)
        let services = ServiceGroup(configuration: .init(services: [app], logger: logger))
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await services.run() }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next() else { throw ProcessFailure("the scripted server did not start") }
            do {
                let result = try await body(URL(string: "http://127.0.0.1:\(port)")!, server)
                await services.triggerGracefulShutdown()
                try await group.waitForAll()
                return result
            } catch {
                await services.triggerGracefulShutdown()
                throw error
            }
        }
    }

    private func answer(_ request: Request) async throws -> Response {
        let body = try await request.body.collect(upTo: 64 << 20)
        let now = ContinuousClock.now
        let answer = state.withLock { state -> Answer in
            let answer = state.script.isEmpty ? .stored : state.script.removeFirst()
            state.received.append(
                Received(
                    path: request.uri.string, authorization: request.headers[.authorization],
                    body: String(buffer: body), status: answer.status, at: now))
            return answer
        }
        var headers = HTTPFields()
        if let retryAfter = answer.retryAfter { headers[.retryAfter] = String(retryAfter) }
        return Response(
            status: .init(code: answer.status), headers: headers,
            body: .init(byteBuffer: ByteBuffer(string: answer.body)))
    }
}
