import Synchronization

/// Counts the server's open connections against ``ConnectionLimits/maxConnections``.
final class OpenConnections: Sendable {
    let limit: Int
    private let count = Atomic<Int>(0)

    init(limit: Int) {
        self.limit = limit
    }

    var current: Int { count.load(ordering: .relaxed) }

    /// Takes a place for a new connection; `false` when all are taken (nothing is taken then).
    func open() -> Bool {
        let (_, now) = count.wrappingAdd(1, ordering: .relaxed)
        guard now > limit else { return true }
        count.wrappingSubtract(1, ordering: .relaxed)
        return false
    }

    func close() {
        count.wrappingSubtract(1, ordering: .relaxed)
    }
}
