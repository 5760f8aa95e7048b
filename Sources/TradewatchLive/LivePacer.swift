import Synchronization

/// Wakes connections whose next frame is due from one hub-wide tick, instead of a timer per
/// connection: at 1,000 clients and 10 frames/s each, per-connection sleeps cost about 10,000
/// timers (and twice as many child tasks) a second.
///
/// A consumer that must wait for its subscription's pacing window registers its deadline with
/// ``schedule(_:at:)``; the hub's `run` calls ``wakeDue(now:)`` every ``tick``. While no tick
/// runs (the hub is not run as a service, or it has stopped), `schedule` declines and the
/// consumer sleeps on the clock itself.
final class LivePacer: Sendable {
    /// How often due connections are woken: a paced frame leaves at most this late.
    static let tick: Duration = .milliseconds(5)

    private struct State {
        var ticking = false
        var sleepers: [(deadline: Duration, outbox: LiveOutbox)] = []
    }

    private let state = Mutex(State())

    var isTicking: Bool { state.withLock { $0.ticking } }
    /// Consumers registered and not yet woken.
    var waitingCount: Int { state.withLock { $0.sleepers.count } }

    /// Registers `outbox` to be woken at the first tick at or after `deadline`; `false` when no
    /// tick runs (the caller must sleep itself).
    func schedule(_ outbox: LiveOutbox, at deadline: Duration) -> Bool {
        state.withLock { state in
            guard state.ticking else { return false }
            state.sleepers.append((deadline, outbox))
            return true
        }
    }

    /// Wakes every registered connection whose deadline is at or before `now`.
    func wakeDue(now: Duration) {
        let due = state.withLock { state -> [LiveOutbox] in
            guard state.sleepers.contains(where: { $0.deadline <= now }) else { return [] }
            var due: [LiveOutbox] = []
            state.sleepers.removeAll { sleeper in
                guard sleeper.deadline <= now else { return false }
                due.append(sleeper.outbox)
                return true
            }
            return due
        }
        for outbox in due { outbox.wakeConsumer() }
    }

    /// The tick runs: from now on consumers register instead of sleeping.
    func start() {
        state.withLock { $0.ticking = true }
    }

    /// The tick has stopped: wakes every registered consumer, which then sleeps on its own.
    func stop() {
        let sleepers = state.withLock { state in
            state.ticking = false
            defer { state.sleepers = [] }
            return state.sleepers
        }
        for sleeper in sleepers { sleeper.outbox.wakeConsumer() }
    }
}
