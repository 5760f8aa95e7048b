import Synchronization

/// Set when the server closed a connection for a limit; read by ``LimitClosedLogHandler``.
final class ClosedByLimit: Sendable {
    private let flag = Atomic(false)

    var isSet: Bool { flag.load(ordering: .relaxed) }

    func set() { flag.store(true, ordering: .relaxed) }
}
