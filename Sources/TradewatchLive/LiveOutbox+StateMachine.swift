extension LiveOutbox {
    /// Everything one connection has waiting to go out, and the rules for sending it: coalescing
    /// and pacing per subscription, the bounded buffer with drop-oldest, holds for replays, the
    /// stuck timeout. Pure: times are clock offsets passed in; the owner holds it in a `Mutex` and
    /// acts on the returned actions.
    ///
    /// The queue keeps one total order: a frame queued with `send` seals every pending rows or
    /// candle entry, so rows arriving later go behind it. A subscription has at most one open
    /// entry; rows of later commits are appended to it until it is sent (so one `rows` frame may
    /// hold rows of several commits, in commit order, and is tagged with the last of them).
    struct StateMachine: Sendable {
        enum NextAction: Sendable, Equatable {
            case emit(Emission)
            /// Nothing to send before `until` (clock offset), or before something is queued (`nil`).
            case wait(until: Duration?)
            case finish
        }

        enum Emission: Sendable, Equatable {
            case rows(subscription: String, commit: Int64, rows: LiveRows)
            case lagged(subscription: String, dropped: Int)
            case candle(subscription: String, symbol: String, update: LiveCandleBuilder.Update)
            case frame([UInt8])
        }

        /// What an append changed, for the owner to act on.
        struct AppendOutcome: Sendable, Equatable {
            var wake = false
            var dropped = 0
            var disconnected = false
        }

        private struct Subscription: Sendable {
            var holding: Bool
            var held: [(commit: Int64, rows: LiveRows, trades: [LiveTrade])] = []
            var heldRows = 0
            var heldDropped = 0
            var heldDroppedThrough: Int64 = .min
            /// Number of the entry new rows are appended to.
            var openEntry: Int?
            /// Bar start → number of the candle entry new versions of that bar replace.
            var openBars: [Int64: Int] = [:]
            var pacing: LiveFramePacing
            var candles: LiveCandleBuilder?
            var cadence = LiveCommitCadence()
            /// A rows entry whose frame waits for a commit about to arrive (see ``LiveCommitCadence``):
            /// its number, and until when (`nil` once the commit came or the wait ended).
            var heldEntry: Int?
            var holdUntil: Duration?
        }

        private struct Entry: Sendable {
            enum Kind: Sendable { case rows, candle, frame, removed }
            var kind: Kind
            var subscription = ""
            var commit: Int64 = 0
            var rows = LiveRows()
            /// Rows dropped from this entry, reported as `lagged` before it is sent.
            var dropped = 0
            var update: LiveCandleBuilder.Update?
            var frame: [UInt8] = []

            var rowCount: Int { rows.count }
            static let removed = Entry(kind: .removed)
        }

        private enum Phase: Sendable { case open, disconnecting, finished }

        let maxBufferedRows: Int
        let maxSubscriptions: Int
        let minimumFrameInterval: Duration
        let framesPerSecond: Int
        let stuckTimeout: Duration

        private var phase = Phase.open
        private var subscriptions: [String: Subscription] = [:]
        /// Entry number `n` is `entries[n - firstNumber]`; entries before `head` are sent.
        private var entries: [Entry] = []
        private var head = 0
        private var firstNumber = 0
        /// Rows in entries, plus one per candle or frame entry: what the buffer bound counts.
        private(set) var buffered = 0
        /// When the buffer first overflowed with no frame taken since; `nil` while not full.
        private var fullSince: Duration?
        /// Set when `next` last answered "wait": the head entry may not be sent before this
        /// (its subscription's pacing window). Rows appended meanwhile go behind or into it, so
        /// they need not wake the consumer, which already waits for this deadline.
        private var headPacedUntil: Duration?
        /// Live-candle subscriptions: with none (the usual rows-only client), taking a frame
        /// skips the look at every subscription's forming bar.
        private var candleSubscriptions = 0

        init(configuration: LiveConfiguration) {
            maxBufferedRows = max(1, configuration.maxBufferedRows)
            maxSubscriptions = configuration.maxSubscriptionsPerConnection
            minimumFrameInterval = .seconds(1) / max(1, configuration.maxFramesPerSecond)
            framesPerSecond = configuration.maxFramesPerSecond
            stuckTimeout = configuration.stuckTimeout
        }

        var isOpen: Bool { phase == .open }
        var subscriptionCount: Int { subscriptions.count }

        // MARK: Subscriptions

        mutating func subscribe(id: String, holding: Bool, candles: LiveCandleBuilder?) throws(LiveError) {
            guard phase == .open else { throw LiveError("the live connection is closed") }
            guard subscriptions[id] == nil else { throw LiveError("subscription '\(id)' already exists") }
            guard subscriptions.count < maxSubscriptions else {
                throw LiveError("too many subscriptions on this connection (limit \(maxSubscriptions))")
            }
            subscriptions[id] = Subscription(
                holding: holding, pacing: LiveFramePacing(framesPerSecond: framesPerSecond), candles: candles)
            if candles != nil { candleSubscriptions += 1 }
        }

        /// Ends a subscription and drops whatever it still had queued.
        mutating func unsubscribe(id: String) throws(LiveError) {
            guard let removed = subscriptions.removeValue(forKey: id) else {
                throw LiveError("no subscription with id '\(id)'")
            }
            if removed.candles != nil { candleSubscriptions -= 1 }
            headPacedUntil = nil
            for index in head..<entries.count where entries[index].subscription == id {
                switch entries[index].kind {
                case .rows: buffered -= entries[index].rowCount
                case .candle: buffered -= 1
                case .frame, .removed: continue
                }
                entries[index] = .removed
            }
        }

        /// Sends what a held subscription kept from commits after `sequence`, then lets it go live.
        mutating func releaseHold(id: String, replayedThrough sequence: Int64, now: Duration) -> AppendOutcome {
            guard phase == .open, var subscription = subscriptions[id], subscription.holding else { return AppendOutcome() }
            subscription.holding = false
            let held = subscription.held
            let dropped = subscription.heldDroppedThrough > sequence ? subscription.heldDropped : 0
            subscription.held = []
            subscriptions[id] = subscription
            var outcome = AppendOutcome()
            if dropped > 0 {
                let number = openRowsEntry(for: id, commit: sequence)
                entries[number - firstNumber].dropped += dropped
                outcome.wake = true
            }
            for batch in held where batch.commit > sequence {
                let result = batch.trades.isEmpty
                    ? append(subscription: id, commit: batch.commit, rows: batch.rows, now: now)
                    : append(subscription: id, commit: batch.commit, trades: batch.trades, now: now)
                outcome.wake = outcome.wake || result.wake
                outcome.dropped += result.dropped
                outcome.disconnected = outcome.disconnected || result.disconnected
            }
            return outcome
        }

        // MARK: Appending

        /// Rows of commit `commit` for subscription `id`.
        mutating func append(subscription id: String, commit: Int64, rows: LiveRows, now: Duration) -> AppendOutcome {
            guard phase == .open, !rows.isEmpty, let holding = subscriptions[id]?.holding else { return AppendOutcome() }
            if holding {
                hold(id: id, commit: commit, rows: rows, trades: [])
                return AppendOutcome()
            }
            subscriptions[id]!.cadence.arrived(at: now)
            subscriptions[id]!.holdUntil = nil
            let number = openRowsEntry(for: id, commit: commit)
            let index = number - firstNumber
            entries[index].rows.append(contentsOf: rows)
            entries[index].commit = commit
            buffered += rows.count
            return enforceBound(now: now)
        }

        /// Trades of commit `commit` for candle subscription `id`.
        mutating func append(subscription id: String, commit: Int64, trades: [LiveTrade], now: Duration) -> AppendOutcome {
            guard phase == .open, let subscription = subscriptions[id], subscription.candles != nil, !trades.isEmpty else {
                return AppendOutcome()
            }
            if subscription.holding {
                hold(id: id, commit: commit, rows: LiveRows(), trades: trades)
                return AppendOutcome()
            }
            var updates: [LiveCandleBuilder.Update] = []
            for trade in trades { updates += subscriptions[id]!.candles!.add(trade, commit: commit, now: now) }
            for update in updates { enqueue(update, for: id) }
            return enforceBound(now: now)
        }

        /// A frame built elsewhere, after everything queued so far.
        mutating func send(_ frame: [UInt8], now: Duration) -> AppendOutcome {
            guard phase == .open else { return AppendOutcome() }
            for id in subscriptions.keys {
                subscriptions[id]!.openEntry = nil
                subscriptions[id]!.openBars = [:]
            }
            entries.append(Entry(kind: .frame, frame: frame))
            buffered += 1
            return enforceBound(now: now)
        }

        // MARK: Taking frames

        /// The next frame to send at `now`, or how long to wait for one.
        mutating func next(now: Duration) -> NextAction {
            headPacedUntil = nil
            if phase == .finished { return .finish }
            if phase == .open { closeDueBars(now: now) }
            while head < entries.count {
                let entry = entries[head]
                switch entry.kind {
                case .removed:
                    advance()
                case .frame:
                    advance()
                    buffered -= 1
                    return took(.frame(entry.frame))
                case .rows:
                    if entry.dropped > 0 {
                        entries[head].dropped = 0
                        if entry.rowCount == 0 { closeRowsEntry() }
                        return took(.lagged(subscription: entry.subscription, dropped: entry.dropped))
                    }
                    if entry.rowCount == 0 {
                        closeRowsEntry()
                        continue
                    }
                    if let deadline = paced(entry.subscription, now: now) {
                        headPacedUntil = deadline
                        return .wait(until: earliest(deadline))
                    }
                    if let deadline = holdForCommit(entry.subscription, entry: firstNumber + head, now: now) {
                        return .wait(until: earliest(deadline))
                    }
                    let rows = entries[head].rows
                    entries[head].rows = LiveRows()
                    buffered -= rows.count
                    if var subscription = subscriptions.removeValue(forKey: entry.subscription) {
                        // A followed cadence moves the schedule to the commit's arrival (LiveFramePacing).
                        let steady = subscription.cadence.isFollowed(interval: minimumFrameInterval)
                        subscription.pacing.sent(
                            at: now, realigned: subscription.heldEntry == firstNumber + head,
                            behindCommitAt: steady ? subscription.cadence.lastArrival : nil)
                        subscriptions[entry.subscription] = subscription
                    }
                    closeRowsEntry()
                    return took(.rows(subscription: entry.subscription, commit: entry.commit, rows: rows))
                case .candle:
                    if let deadline = paced(entry.subscription, now: now) {
                        headPacedUntil = deadline
                        return .wait(until: earliest(deadline))
                    }
                    let update = entry.update!
                    let number = firstNumber + head
                    advance()
                    buffered -= 1
                    guard let subscription = subscriptions[entry.subscription] else { continue }
                    if subscription.openBars[update.bar.start] == number {
                        subscriptions[entry.subscription]!.openBars[update.bar.start] = nil
                    }
                    subscriptions[entry.subscription]!.pacing.sent(at: now)
                    let symbol = subscription.candles?.symbol ?? ""
                    return took(.candle(subscription: entry.subscription, symbol: symbol, update: update))
                }
            }
            if phase == .disconnecting {
                phase = .finished
                return .finish
            }
            return .wait(until: earliest(nil))
        }

        // MARK: Ending

        /// Closed by the client or the server: nothing more is sent.
        mutating func finish() {
            phase = .finished
            entries = []
            head = 0
            subscriptions = [:]
            candleSubscriptions = 0
            buffered = 0
        }

        /// Ends a connection whose buffer stayed full past the stuck timeout: only `farewell` is left to send.
        private mutating func disconnect(farewell: [UInt8]) {
            finish()
            phase = .disconnecting
            entries = [Entry(kind: .frame, frame: farewell)]
        }

        /// Disconnects the connection if its buffer has been full and unread for the stuck timeout.
        mutating func checkStuck(now: Duration) -> Bool {
            guard phase == .open, let fullSince, now - fullSince >= stuckTimeout else { return false }
            disconnect(farewell: LiveJSON.errorFrame(
                "live connection disconnected: could not keep up for \(Self.describe(stuckTimeout))"))
            return true
        }

        // MARK: Internals

        private mutating func hold(id: String, commit: Int64, rows: LiveRows, trades: [LiveTrade]) {
            var subscription = subscriptions.removeValue(forKey: id)!
            subscription.held.append((commit, rows, trades))
            subscription.heldRows += rows.count + trades.count
            // Held rows wait for a replay, not for the client, so they have their own bound.
            while subscription.heldRows > maxBufferedRows, !subscription.held.isEmpty {
                let excess = subscription.heldRows - maxBufferedRows
                let first = subscription.held[0]
                let size = first.rows.count + first.trades.count
                subscription.heldDroppedThrough = max(subscription.heldDroppedThrough, first.commit)
                if size <= excess {
                    subscription.held.removeFirst()
                    subscription.heldRows -= size
                    subscription.heldDropped += size
                } else {
                    if first.trades.isEmpty {
                        subscription.held[0].rows.dropFirst(excess)
                    } else {
                        subscription.held[0].trades.removeFirst(excess)
                    }
                    subscription.heldRows -= excess
                    subscription.heldDropped += excess
                }
            }
            subscriptions[id] = subscription
        }

        /// The number of the subscription's open rows entry, made at the tail if it has none.
        private mutating func openRowsEntry(for id: String, commit: Int64) -> Int {
            if let number = subscriptions[id]?.openEntry { return number }
            let number = firstNumber + entries.count
            entries.append(Entry(kind: .rows, subscription: id, commit: commit))
            subscriptions[id]?.openEntry = number
            return number
        }

        private mutating func enqueue(_ update: LiveCandleBuilder.Update, for id: String) {
            if let number = subscriptions[id]?.openBars[update.bar.start] {
                let index = number - firstNumber
                let previous = entries[index].update!
                // The client never saw the replaced version: a final it missed needs no revision.
                entries[index].update = LiveCandleBuilder.Update(
                    bar: update.bar, final: update.final || previous.final, revised: previous.revised)
                return
            }
            subscriptions[id]?.openBars[update.bar.start] = firstNumber + entries.count
            entries.append(Entry(kind: .candle, subscription: id, update: update))
            buffered += 1
        }

        private mutating func closeDueBars(now: Duration) {
            guard candleSubscriptions > 0 else { return }
            for id in subscriptions.keys where subscriptions[id]!.candles != nil && !subscriptions[id]!.holding {
                if let update = subscriptions[id]!.candles!.closeIfDue(now: now) { enqueue(update, for: id) }
            }
        }

        /// Drops the oldest rows while the buffer is over its bound; disconnects a client that has
        /// been full, without taking a frame, for the stuck timeout.
        private mutating func enforceBound(now: Duration) -> AppendOutcome {
            // Behind a paced head, new rows change nothing the consumer could send before the
            // deadline it already waits for; dropped rows (a `lagged` to send) do.
            var outcome = AppendOutcome(wake: headPacedUntil.map { now >= $0 } ?? true)
            guard buffered > maxBufferedRows else {
                fullSince = nil
                return outcome
            }
            var excess = buffered - maxBufferedRows
            var index = head
            while excess > 0, index < entries.count {
                if entries[index].kind == .rows, entries[index].rowCount > 0 {
                    let count = min(excess, entries[index].rowCount)
                    entries[index].rows.dropFirst(count)
                    entries[index].dropped += count
                    excess -= count
                    buffered -= count
                    outcome.dropped += count
                    outcome.wake = true
                }
                index += 1
            }
            if fullSince == nil { fullSince = now }
            outcome.disconnected = checkStuck(now: now)
            return outcome
        }

        /// Until when the frame of rows entry `number` waits for a commit about to arrive; each
        /// entry waits at most once, and an arriving commit (an append) ends the wait.
        private mutating func holdForCommit(_ id: String, entry number: Int, now: Duration) -> Duration? {
            guard let subscription = subscriptions[id] else { return nil }
            if let until = subscription.holdUntil {
                if now < until { return until }
                subscriptions[id]!.holdUntil = nil
                return nil
            }
            guard subscription.heldEntry != number,
                let until = subscription.cadence.holdUntil(
                    now: now, window: subscription.pacing.windowOpened(now: now), interval: minimumFrameInterval)
            else { return nil }
            subscriptions[id]!.heldEntry = number
            subscriptions[id]!.holdUntil = until
            return until
        }

        /// When the subscription may send its next frame, if not yet at `now`.
        private func paced(_ id: String, now: Duration) -> Duration? {
            subscriptions[id]?.pacing.deadline(now: now)
        }

        /// The earlier of `deadline` and the moment a forming candle bar closes.
        private func earliest(_ deadline: Duration?) -> Duration? {
            guard candleSubscriptions > 0 else { return deadline }
            var result = deadline
            for subscription in subscriptions.values where !subscription.holding {
                guard let barDeadline = subscription.candles?.deadline else { continue }
                result = min(result ?? barDeadline, barDeadline)
            }
            return result
        }

        private mutating func took(_ emission: Emission) -> NextAction {
            fullSince = nil
            return .emit(emission)
        }

        private mutating func closeRowsEntry() {
            let id = entries[head].subscription
            if subscriptions[id]?.openEntry == firstNumber + head { subscriptions[id]?.openEntry = nil }
            advance()
        }

        private mutating func advance() {
            entries[head] = .removed
            head += 1
            if head == entries.count {
                firstNumber += head
                entries.removeAll(keepingCapacity: true)
                head = 0
            } else if head > 64, head * 2 > entries.count {
                firstNumber += head
                entries.removeFirst(head)
                head = 0
            }
        }

        static func describe(_ duration: Duration) -> String {
            let (seconds, attoseconds) = duration.components
            if attoseconds == 0 { return "\(seconds) s" }
            return "\(seconds * 1000 + attoseconds / 1_000_000_000_000_000) ms"
        }
    }
}
