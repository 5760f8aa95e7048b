import NIOCore

/// When a connection has waited too long, as a state machine returning what to do.
///
/// Two clocks, never both running: the read clock starts at the first byte of a request and
/// stops when the request's end has been parsed; the idle clock runs while nothing is asked of
/// the connection (no request being received, none being answered). Answering a request stops
/// both (a long query or a slow reader of a big answer is not the client's fault). After a
/// WebSocket upgrade neither runs: the live stream has its own pings and limits.
struct ConnectionTimeouts {
    let idleTimeout: TimeAmount
    let readTimeout: TimeAmount

    /// When the request being received sent its first byte; `nil` when none is being received.
    private(set) var readingSince: NIODeadline?
    /// The head of the request being received has been parsed (it counts in `inFlight`).
    private var readingHeadParsed = false
    private var idleSince: NIODeadline?
    /// Requests whose head was parsed and whose answer has not ended (an answer may end before
    /// its request's body has been read, as a refusal does).
    private var inFlight = 0
    /// A response head has been written and its end not yet.
    private var responding = false
    private var upgraded = false

    init(idleTimeout: TimeAmount, readTimeout: TimeAmount) {
        self.idleTimeout = idleTimeout
        self.readTimeout = readTimeout
    }

    enum Action: Equatable {
        case none
        /// (Re)arm the one timer for this deadline.
        case schedule(NIODeadline)
        case cancelTimer
        /// The connection sat idle too long: close it.
        case closeIdle
        /// A request took too long to arrive. `answer` says whether a `408` may be written first
        /// (nothing else is being written on the connection, or will be).
        case closeReadTimeout(answer: Bool)
    }

    mutating func connected(now: NIODeadline) -> Action {
        idleSince = now
        return .schedule(now + idleTimeout)
    }

    /// Bytes arrived from the client.
    mutating func bytesReceived(now: NIODeadline) -> Action {
        guard !upgraded, readingSince == nil else { return .none }
        readingSince = now
        readingHeadParsed = false
        idleSince = nil
        return .schedule(now + readTimeout)
    }

    /// The HTTP parser saw a request's head.
    mutating func requestHeadParsed() {
        inFlight += 1
        readingHeadParsed = true
    }

    /// The HTTP parser saw a request's end.
    mutating func requestEnded(now: NIODeadline) -> Action {
        guard !upgraded else { return .none }
        readingSince = nil
        readingHeadParsed = false
        return becomeIdleIfDone(now: now) ?? .cancelTimer
    }

    mutating func responseStarted() {
        responding = true
    }

    /// A response's end was written.
    mutating func responseEnded(now: NIODeadline) -> Action {
        responding = false
        inFlight = max(0, inFlight - 1)
        guard !upgraded else { return .none }
        return becomeIdleIfDone(now: now) ?? .none
    }

    private mutating func becomeIdleIfDone(now: NIODeadline) -> Action? {
        guard inFlight == 0, readingSince == nil else { return nil }
        idleSince = now
        return .schedule(now + idleTimeout)
    }

    /// The connection asked to switch protocols: no more HTTP timing.
    mutating func upgrading() -> Action {
        upgraded = true
        readingSince = nil
        idleSince = nil
        return .cancelTimer
    }

    /// The timer went off at `now`.
    mutating func timerFired(now: NIODeadline) -> Action {
        guard !upgraded else { return .none }
        if let readingSince {
            let deadline = readingSince + readTimeout
            guard now >= deadline else { return .schedule(deadline) }
            // Only the late request itself may be waiting for an answer, and none is being written.
            return .closeReadTimeout(answer: !responding && inFlight == (readingHeadParsed ? 1 : 0))
        }
        if let idleSince, inFlight == 0 {
            let deadline = idleSince + idleTimeout
            guard now >= deadline else { return .schedule(deadline) }
            return .closeIdle
        }
        return .none
    }
}
