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

    func append(_ frame: [UInt8]) { state.withLock { $0.frames.append(frame) } }
    fileprivate func finish() { state.withLock { $0.finished = true } }

    /// Waits until `condition` holds, moving `clock` on by 10 ms at each look: for tests about
    /// what is sent rather than when. A consumer running late on a busy machine would otherwise
    /// pace its next frame past the last time the test set, and wait for ever.
    func waitUntil(
        advancing clock: ManualClock, _ condition: (FrameLog) -> Bool, sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        try await waitUntil({ log in
            if condition(log) { return true }
            clock.advance(by: .milliseconds(10))
            return false
        }, sourceLocation: sourceLocation)
    }

    /// Waits (up to 30 s of real time: the machine may be busy with parallel suites) until
    /// `condition` holds.
    func waitUntil(
        _ condition: (FrameLog) -> Bool, sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        let deadline = ContinuousClock.now + .seconds(30)
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
