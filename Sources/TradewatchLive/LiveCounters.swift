import Synchronization

/// The hub's cumulative counters, shared with every connection and bumped without a lock.
final class LiveCounters: Sendable {
    let framesSent = Atomic<Int>(0)
    let rowsSent = Atomic<Int>(0)
    let rowsDropped = Atomic<Int>(0)
    let disconnectedStuck = Atomic<Int>(0)

    func frameSent(rows: Int) {
        framesSent.add(1, ordering: .relaxed)
        if rows > 0 { rowsSent.add(rows, ordering: .relaxed) }
    }

    func dropped(_ rows: Int) {
        if rows > 0 { rowsDropped.add(rows, ordering: .relaxed) }
    }

    func disconnectedForBeingStuck() {
        disconnectedStuck.add(1, ordering: .relaxed)
    }
}
