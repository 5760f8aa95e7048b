import Logging
import Synchronization

/// One connection's outbound side: the ``StateMachine`` under a `Mutex`, filled by the hub's
/// `publish` (which only appends and never waits) and drained by the consumer of the
/// connection's `frames`, whose task also does the waiting: for the next frame, for a
/// subscription's pacing window, or for a forming candle bar to close.
final class LiveOutbox: Sendable {
    private struct Protected: Sendable {
        var machine: StateMachine
        /// The consumer, suspended until something is queued or the connection ends.
        var waiter: CheckedContinuation<Void, Never>?
        /// Something changed since the consumer last looked: it must not go to sleep.
        var signalled = false
        /// Names the consumer's current registration with the pacer; a new look at the queue
        /// makes older registrations stale, so the tick does not wake a consumer that an append
        /// already woke (it would only look, find nothing due and sleep again).
        var pacerToken: UInt64 = 0
    }

    private let protected: Mutex<Protected>
    private let clock: LiveClock
    private let pacer: LivePacer
    private let counters: LiveCounters
    private let logger: Logger

    init(configuration: LiveConfiguration, clock: LiveClock, pacer: LivePacer, counters: LiveCounters, logger: Logger) {
        self.logger = logger
        protected = Mutex(Protected(machine: StateMachine(configuration: configuration)))
        self.clock = clock
        self.pacer = pacer
        self.counters = counters
    }

    var subscriptionCount: Int { protected.withLock { $0.machine.subscriptionCount } }

    func subscribe(id: String, holding: Bool, candles: LiveCandleBuilder?) throws(LiveError) {
        try protected.withLock { (state: inout Protected) throws(LiveError) in
            try state.machine.subscribe(id: id, holding: holding, candles: candles)
        }
    }

    func unsubscribe(id: String) throws(LiveError) {
        try protected.withLock { (state: inout Protected) throws(LiveError) in
            try state.machine.unsubscribe(id: id)
        }
    }

    /// Rows of a commit, rendered once and shared with the other subscriptions that want them.
    func append(subscription: String, commit: Int64, rows: LiveRowChunk) {
        let now = clock.now()
        apply { $0.append(subscription: subscription, commit: commit, rows: LiveRows(rows), now: now) }
    }

    func append(subscription: String, commit: Int64, trades: [LiveTrade]) {
        let now = clock.now()
        apply { $0.append(subscription: subscription, commit: commit, trades: trades, now: now) }
    }

    func send(_ frame: [UInt8]) {
        let now = clock.now()
        apply { $0.send(frame, now: now) }
    }

    func releaseHold(id: String, replayedThrough sequence: Int64) {
        let now = clock.now()
        apply { $0.releaseHold(id: id, replayedThrough: sequence, now: now) }
    }

    /// Disconnects the connection if it has been stuck for the timeout (the hub's sweep).
    func checkStuck() {
        let now = clock.now()
        apply { machine in
            let stuck = machine.checkStuck(now: now)
            return StateMachine.AppendOutcome(wake: stuck, disconnected: stuck)
        }
    }

    /// Ends the connection: nothing more is sent and `frames` finishes.
    func finish() {
        let waiter = protected.withLock { state in
            state.machine.finish()
            return wake(&state)
        }
        waiter?.resume()
    }

    private func apply(_ change: (inout StateMachine) -> StateMachine.AppendOutcome) {
        let (outcome, waiter) = protected.withLock { state in
            let outcome = change(&state.machine)
            return (outcome, outcome.wake || outcome.disconnected ? wake(&state) : nil)
        }
        counters.dropped(outcome.dropped)
        if outcome.disconnected {
            counters.disconnectedForBeingStuck()
            logger.notice("live client disconnected: its buffer stayed full past the stuck timeout")
        }
        waiter?.resume()
    }

    /// Makes the consumer look again (the pacer stopped ticking).
    func wakeConsumer() {
        let waiter = protected.withLock { wake(&$0) }
        waiter?.resume()
    }

    /// The pacer's tick: the deadline of registration `token` has passed. Ignored when the
    /// consumer has looked at its queue since it registered (the registration is stale).
    func wakeConsumer(token: UInt64) {
        let waiter = protected.withLock { state in
            state.pacerToken == token ? wake(&state) : nil
        }
        waiter?.resume()
    }

    private func wake(_ state: inout Protected) -> CheckedContinuation<Void, Never>? {
        state.signalled = true
        defer { state.waiter = nil }
        return state.waiter
    }

    // MARK: Consumer side

    /// The next frame, waiting as long as needed; `nil` once the connection has ended.
    func next() async -> [UInt8]? {
        while true {
            if Task.isCancelled {
                finish()
                return nil
            }
            let now = clock.now()
            let (action, token) = protected.withLock { state in
                state.signalled = false
                state.pacerToken &+= 1
                return (state.machine.next(now: now), state.pacerToken)
            }
            switch action {
            case .finish:
                return nil
            case .emit(let emission):
                return encode(emission)
            case .wait(let deadline):
                await wait(until: deadline, token: token)
            }
        }
    }

    private func encode(_ emission: StateMachine.Emission) -> [UInt8] {
        switch emission {
        case .rows(let subscription, let commit, let rows):
            counters.frameSent(rows: rows.count)
            return LiveJSON.rowsFrame(id: subscription, commit: commit, rows: rows)
        case .lagged(let subscription, let dropped):
            counters.frameSent(rows: 0)
            return LiveJSON.laggedFrame(id: subscription, dropped: dropped)
        case .candle(let subscription, let symbol, let update):
            counters.frameSent(rows: 0)
            return LiveJSON.candleFrame(
                id: subscription, symbol: symbol, bar: update.bar, final: update.final, revised: update.revised)
        case .frame(let frame):
            counters.frameSent(rows: 0)
            return frame
        }
    }

    /// Returns when something is queued, the connection ends, `deadline` passes, or the task is cancelled.
    private func wait(until deadline: Duration?, token: UInt64) async {
        guard let deadline else { return await waitForSignal() }
        // The hub's tick wakes it: no timer and no child tasks of its own.
        if pacer.schedule(self, at: deadline, token: token) { return await waitForSignal() }
        let clock = self.clock
        await withTaskGroup(of: Void.self) { group in
            group.addTask { try? await clock.sleep(deadline) }
            group.addTask { await self.waitForSignal() }
            await group.next()
            group.cancelAll()
        }
    }

    private func waitForSignal() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = protected.withLock { state in
                    if state.signalled || Task.isCancelled { return true }
                    state.waiter = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let waiter = protected.withLock { state in
                defer { state.waiter = nil }
                return state.waiter
            }
            waiter?.resume()
        }
    }
}
