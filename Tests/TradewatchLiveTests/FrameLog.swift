import Foundation
import Synchronization
import TradewatchLive

/// Collects the frames of one connection, consumed in a child task, for tests to inspect.
final class FrameLog: Sendable {
    private let state = Mutex<(frames: [[UInt8]], finished: Bool)>(([], false))

    var frames: [[UInt8]] { state.withLock { $0.frames } }
    var isFinished: Bool { state.withLock { $0.finished } }

    /// The frames as JSON objects.
    var objects: [[String: Any]] {
        frames.map { (try? JSONSerialization.jsonObject(with: Data($0))) as? [String: Any] ?? [:] }
    }

    /// Objects of frames whose `op` is `op`.
    func objects(op: String) -> [[String: Any]] { objects.filter { $0["op"] as? String == op } }

    /// Every row received in `rows` frames, in order.
    var rows: [[String: Any]] { objects(op: "rows").flatMap { $0["rows"] as? [[String: Any]] ?? [] } }

    fileprivate func append(_ frame: [UInt8]) { state.withLock { $0.frames.append(frame) } }
    fileprivate func finish() { state.withLock { $0.finished = true } }

    /// Waits (up to 5 s of real time) until `condition` holds.
    func waitUntil(
        _ condition: (FrameLog) -> Bool, sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        let deadline = ContinuousClock.now + .seconds(5)
        while !condition(self) {
            guard ContinuousClock.now < deadline else {
                Issue.record("timed out; frames: \(frames.map { String(decoding: $0, as: UTF8.self) })",
                    sourceLocation: sourceLocation)
                throw CancellationError()
            }
            try await Task.sleep(for: .milliseconds(2))
        }
    }
}

import Testing

/// Runs `body` while a child task consumes `connection`'s frames into a log; closes the
/// connection afterwards and waits for the consumer.
func collecting<Result>(
    _ connection: LiveConnection, _ body: (FrameLog) async throws -> Result
) async throws -> Result {
    let log = FrameLog()
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask {
            for await frame in connection.frames { log.append(frame) }
            log.finish()
        }
        do {
            let result = try await body(log)
            connection.close()
            try await group.waitForAll()
            return result
        } catch {
            connection.close()
            throw error
        }
    }
}
