import Synchronization

/// Wakes tasks waiting for the end of the next commit, each with its own time limit: the
/// background checkpoint starts right after a commit, when the writer has the most time before
/// the next one (see ``AnalyticsStore/afterNextCommit(timeout:)``).
final class CommitWatch: Sendable {
    private struct State {
        var nextID = 0
        var waiters: [Int: CheckedContinuation<Void, Never>] = [:]
        /// Waiters whose time ran out before they were registered: they return at once.
        var expired: Set<Int> = []
    }

    private let state = Mutex(State())

    /// Returns when ``committed()`` is next called, or after `timeout`, or at once when cancelled.
    func next(timeout: Duration) async {
        let id = state.withLock { state in
            state.nextID += 1
            return state.nextID
        }
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                try? await Task.sleep(for: timeout)
                self.resume(id)
            }
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state in
                    if state.expired.remove(id) != nil { return true }
                    state.waiters[id] = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
            group.cancelAll()
        }
        // The timer child, cancelled above, may have marked the waiter expired on its way out.
        state.withLock { _ = $0.expired.remove(id) }
    }

    /// Tasks waiting now, plus waiters whose time ran out but that did not return yet.
    var waiting: Int { state.withLock { $0.waiters.count + $0.expired.count } }

    /// A commit ended: every waiter returns.
    func committed() {
        let waiters = state.withLock { state in
            defer { state.waiters.removeAll() }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume() }
    }

    /// The time limit of waiter `id` passed (or its task was cancelled).
    private func resume(_ id: Int) {
        let waiter = state.withLock { state in
            guard let waiter = state.waiters.removeValue(forKey: id) else {
                state.expired.insert(id)
                return nil as CheckedContinuation<Void, Never>?
            }
            return waiter
        }
        waiter?.resume()
    }
}
