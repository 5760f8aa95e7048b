import NIOCore

/// The timeouts of one connection, shared by its two handlers: ``ConnectionTimeoutHandler`` at
/// the front of the pipeline sees raw bytes arrive, ``HTTPPartObserver`` behind the HTTP parser
/// sees requests end and responses go out. Both run on the connection's event loop, as does
/// everything here.
final class ConnectionGuard {
    private var timeouts: ConnectionTimeouts
    private var timer: Scheduled<Void>?
    /// When `timer` goes off.
    private var timerDeadline: NIODeadline?
    /// The front handler's context: writes from it go straight to the socket.
    var context: ChannelHandlerContext?
    let countLimit: @Sendable (RequestLimit) -> Void
    let closedByLimit = ClosedByLimit()
    /// The connection was answered for a limit and is closing: what the client still sends is dropped.
    private(set) var isDraining = false

    init(limits: ConnectionLimits, countLimit: @escaping @Sendable (RequestLimit) -> Void) {
        timeouts = ConnectionTimeouts(
            idleTimeout: .nanoseconds(limits.idleTimeout.nanoseconds),
            readTimeout: .nanoseconds(limits.readTimeout.nanoseconds))
        self.countLimit = countLimit
    }

    func connected() { perform(timeouts.connected(now: .now())) }
    func bytesReceived() { perform(timeouts.bytesReceived(now: .now())) }
    func requestHeadParsed() { timeouts.requestHeadParsed() }
    func requestEnded() { perform(timeouts.requestEnded(now: .now())) }
    func responseStarted() { timeouts.responseStarted() }
    func responseEnded() { perform(timeouts.responseEnded(now: .now())) }
    func upgrading() { perform(timeouts.upgrading()) }
    func disconnected() {
        timer?.cancel()
        timer = nil
        context = nil
    }

    private func perform(_ action: ConnectionTimeouts.Action) {
        guard let context else { return }
        switch action {
        case .none:
            break
        case .schedule(let deadline):
            // A timer set to go off no later than `deadline` stays: when it fires, the state says
            // whether anything is due and sets the next one. Moving it at every request (two
            // schedules and two cancels on the event loop's queue per request) took about 4% of
            // the server's CPU under load.
            if timer != nil, let timerDeadline, timerDeadline <= deadline { return }
            timer?.cancel()
            timerDeadline = deadline
            timer = context.eventLoop.assumeIsolated().scheduleTask(deadline: deadline) { [weak self] in
                guard let self else { return }
                self.timer = nil
                self.timerDeadline = nil
                self.perform(self.timeouts.timerFired(now: .now()))
            }
        case .cancelTimer:
            // Left to go off: it then finds nothing due (see above).
            break
        case .closeIdle:
            countLimit(.idleTimeout)
            closedByLimit.set()
            context.close(promise: nil)
        case .closeReadTimeout(let answer):
            countLimit(.readTimeout)
            closedByLimit.set()
            guard answer else {
                context.close(promise: nil)
                return
            }
            let seconds = Double(timeouts.readTimeout.nanoseconds) / 1e9
            let response = RawResponse.problem(
                status: 408, reason: "Request Timeout",
                detail: "the request did not arrive in full within the read timeout of \(RawResponse.format(seconds)) s (--read-timeout); the connection is closed")
            context.writeAndFlush(NIOAny(response), promise: nil)
            drainAndClose()
        }
    }

    /// After an answer for a limit: stops sending (the client reads the answer, then the end),
    /// drops whatever the client still sends, and closes when the client does or after two
    /// seconds. Closing at once with unread bytes would reset the connection, and the client
    /// could lose the answer.
    func drainAndClose() {
        guard let context, !isDraining else { return }
        isDraining = true
        closedByLimit.set()
        timer?.cancel()
        timer = nil
        context.close(mode: .output, promise: nil)
        context.eventLoop.assumeIsolated().scheduleTask(in: .seconds(2)) { context.close(promise: nil) }
    }
}

extension Duration {
    /// The whole duration in nanoseconds (saturating at `Int64.max`).
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (product, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        return overflow ? .max : product + attoseconds / 1_000_000_000
    }
}
