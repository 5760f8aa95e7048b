import Foundation
import Synchronization

/// A fixed set of threads for blocking work, such as DuckDB calls, so that it never occupies
/// Swift's cooperative pool (where a blocked thread stalls every task).
///
/// Jobs run in submission order on the first free thread. Thread safety: fully `Sendable`.
public final class BlockingThreadPool: Sendable {
    private struct State {
        /// A slot is emptied when its job is taken, so what the job captured (connections,
        /// results, statements) is released right after it ran, on its own thread, outside the
        /// lock: never later, on another thread, while its connection runs something else.
        var jobs: [(@Sendable () -> Void)?] = []
        var head = 0
        var isShutDown = false
    }

    public let name: String
    public let threadCount: Int
    private let state = Mutex(State())
    private let available = DispatchSemaphore(value: 0)
    private let stopped = DispatchSemaphore(value: 0)

    /// Starts `threads` threads (at least one).
    public init(name: String = "duckdb", threads: Int) {
        self.name = name
        self.threadCount = max(1, threads)
        for index in 0..<threadCount {
            let thread = Thread { [self] in
                Thread.current.threadDictionary[Self.poolNameKey] = name
                self.work()
            }
            thread.name = "\(name)-\(index)"
            thread.start()
        }
    }

    private static let poolNameKey = "tradewatch.blocking-thread-pool"

    /// The name of the pool whose thread is running the caller, or `nil` on any other thread
    /// (Swift's cooperative pool included). Lets code assert where blocking work runs.
    public static var currentPoolName: String? {
        Thread.current.threadDictionary[poolNameKey] as? String
    }

    /// Runs `body` on one of the pool's threads and returns its result.
    ///
    /// - Throws: `CancellationError` when the pool is shut down before the job starts, or what
    ///   `body` throws. Cancelling the calling task does not stop a job that has started: pair
    ///   long statements with `Connection.interrupt()` (the `Connection` async methods do).
    public func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let accepted = state.withLock { state -> Bool in
                guard !state.isShutDown else { return false }
                state.jobs.append { continuation.resume(with: Result { try body() }) }
                return true
            }
            if accepted {
                available.signal()
            } else {
                continuation.resume(throwing: CancellationError())
            }
        }
    }

    /// Lets queued jobs finish, then stops the threads. Later `run` calls throw.
    public func shutdown() {
        let alreadyDown = state.withLock { state in
            defer { state.isShutDown = true }
            return state.isShutDown
        }
        guard !alreadyDown else { return }
        for _ in 0..<threadCount { available.signal() }
        for _ in 0..<threadCount { stopped.wait() }
    }

    private func work() {
        while true {
            available.wait()
            let job = state.withLock { state -> (@Sendable () -> Void)? in
                guard state.head < state.jobs.count else { return nil }
                let job = state.jobs[state.head]
                state.jobs[state.head] = nil
                state.head += 1
                if state.head == state.jobs.count {
                    state.jobs.removeAll(keepingCapacity: true)
                    state.head = 0
                } else if state.head > 64, state.head * 2 > state.jobs.count {
                    state.jobs.removeFirst(state.head)
                    state.head = 0
                }
                return job
            }
            guard let job else {
                // Woken with no job: only shutdown does that, after the queue drained.
                stopped.signal()
                return
            }
            job()
        }
    }
}
