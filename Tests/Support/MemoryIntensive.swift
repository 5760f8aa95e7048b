import Synchronization

/// Runs tests that measure the process's memory, and tests that use a lot of it, one at a time.
///
/// Swift Testing runs suites in parallel in one process: a test checking that its memory stays
/// flat would otherwise count what another test allocates meanwhile.
public enum MemoryIntensive {
    private static let gate = Gate()

    public static func exclusive<T>(_ body: () async throws -> T) async rethrows -> T {
        await gate.acquire()
        defer { gate.release() }
        return try await body()
    }

    private final class Gate: Sendable {
        private let state = Mutex<(busy: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

        func acquire() async {
            await withCheckedContinuation { continuation in
                let granted = state.withLock { state -> Bool in
                    guard state.busy else {
                        state.busy = true
                        return true
                    }
                    state.waiters.append(continuation)
                    return false
                }
                if granted { continuation.resume() }
            }
        }

        func release() {
            let next = state.withLock { state -> CheckedContinuation<Void, Never>? in
                guard !state.waiters.isEmpty else {
                    state.busy = false
                    return nil
                }
                return state.waiters.removeFirst()
            }
            next?.resume()
        }
    }
}
