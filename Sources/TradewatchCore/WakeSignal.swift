import Synchronization

/// Wakes one waiting task: `fire()` resumes the task blocked in `wait()`, or, when none waits,
/// makes the next `wait()` return at once. Fires while nobody waits collapse into one, which
/// is what a "there is work" signal needs. Cheap to fire from any thread. Used by the client's
/// sending loop and by the server's queues beside the committer (`MinuteBarsFeed`).
public final class WakeSignal: Sendable {
    private struct State {
        var fired = false
        var waiter: CheckedContinuation<Void, Never>?
    }

    private let state = Mutex(State())

    public init() {}

    public func fire() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard let waiter = state.waiter else {
                state.fired = true
                return nil
            }
            state.waiter = nil
            return waiter
        }
        waiter?.resume()
    }

    /// Returns after a fire, or at once when the task is cancelled. One waiter at a time.
    public func wait() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state -> Bool in
                    // Checked under the lock: a cancellation either is visible here or finds
                    // the stored waiter in the handler below.
                    if state.fired || Task.isCancelled {
                        state.fired = false
                        return true
                    }
                    precondition(state.waiter == nil, "WakeSignal supports one waiter at a time")
                    state.waiter = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
                defer { state.waiter = nil }
                return state.waiter
            }
            waiter?.resume()
        }
    }
}
