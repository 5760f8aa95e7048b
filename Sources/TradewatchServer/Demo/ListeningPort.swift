import Synchronization

/// The port the server ended up listening on (it may have been asked for port 0), handed from
/// `onServerRunning` to services that need to connect to their own server.
final class ListeningPort: Sendable {
    private enum State {
        case waiting([CheckedContinuation<Int?, Never>])
        case known(Int?)
    }

    private let state = Mutex(State.waiting([]))

    /// Makes the port known; waiters resume. Later calls change nothing.
    func resolve(_ port: Int?) {
        let waiters: [CheckedContinuation<Int?, Never>] = state.withLock { state in
            guard case .waiting(let waiters) = state else { return [] }
            state = .known(port)
            return waiters
        }
        for waiter in waiters { waiter.resume(returning: port) }
    }

    /// The port once the server listens; `nil` if it never will (see ``resolve(_:)``).
    func wait() async -> Int? {
        await withCheckedContinuation { continuation in
            let known: Int?? = state.withLock { state in
                switch state {
                case .known(let port): return .some(port)
                case .waiting(var waiters):
                    waiters.append(continuation)
                    state = .waiting(waiters)
                    return .none
                }
            }
            if case .some(let port) = known { continuation.resume(returning: port) }
        }
    }
}
