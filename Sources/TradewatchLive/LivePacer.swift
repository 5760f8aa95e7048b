import Synchronization
import TradewatchCore

/// Wakes connections whose next frame is due from one hub-wide tick, instead of a timer per
/// connection: at 1,000 clients and 10 frames/s each, per-connection sleeps cost about 10,000
/// timers (and twice as many child tasks) a second.
///
/// A consumer that must wait for its subscription's pacing window registers its deadline with
/// ``schedule(_:at:token:)``; the hub's `run` calls ``wakeDue(now:)`` every ``tick`` while any consumer
/// is registered, and idles in ``waitForSleepers(until:clock:)`` while none is. While no tick
/// runs (the hub is not run as a service, or it has stopped), `schedule` declines and the
/// consumer sleeps on the clock itself.
final class LivePacer: Sendable {
    /// How often due connections are woken: a paced frame leaves at most this late.
    static let tick: Duration = .milliseconds(5)

    private struct State {
        var ticking = false
        var sleepers: [(deadline: Duration, outbox: LiveOutbox, token: UInt64)] = []
    }

    private let state = Mutex(State())
    /// Fired when the first consumer registers: the hub's loop stops idling and ticks again.
    private let firstSleeper = WakeSignal()
    /// Ticks run so far (an idle hub does not tick).
    let ticks = Atomic<Int>(0)

    var isTicking: Bool { state.withLock { $0.ticking } }
    /// Consumers registered and not yet woken.
    var waitingCount: Int { state.withLock { $0.sleepers.count } }

    /// Registers `outbox` to be woken at the first tick at or after `deadline` (unless its
    /// registration `token` is stale by then); `false` when no tick runs (the caller must sleep itself).
    func schedule(_ outbox: LiveOutbox, at deadline: Duration, token: UInt64) -> Bool {
        let (scheduled, first) = state.withLock { state -> (Bool, Bool) in
            guard state.ticking else { return (false, false) }
            state.sleepers.append((deadline, outbox, token))
            return (true, state.sleepers.count == 1)
        }
        if first { firstSleeper.fire() }
        return scheduled
    }

    /// Returns once a consumer is registered (at once if one is), or at `deadline` on `clock`:
    /// with nobody waiting for a window the hub does not tick, so an idle server stays asleep.
    func waitForSleepers(until deadline: Duration, clock: LiveClock) async {
        guard waitingCount == 0 else { return }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { try? await clock.sleep(deadline) }
            group.addTask { await self.firstSleeper.wait() }
            await group.next()
            group.cancelAll()
        }
    }

    /// Wakes every registered connection whose deadline is at or before `now`.
    func wakeDue(now: Duration) {
        ticks.add(1, ordering: .relaxed)
        let due = state.withLock { state -> [(outbox: LiveOutbox, token: UInt64)] in
            guard state.sleepers.contains(where: { $0.deadline <= now }) else { return [] }
            var due: [(outbox: LiveOutbox, token: UInt64)] = []
            state.sleepers.removeAll { sleeper in
                guard sleeper.deadline <= now else { return false }
                due.append((sleeper.outbox, sleeper.token))
                return true
            }
            return due
        }
        for sleeper in due { sleeper.outbox.wakeConsumer(token: sleeper.token) }
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
