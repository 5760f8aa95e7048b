import AsyncHTTPClient

/// Everything the recorder changes, kept behind one `Mutex`: the buffer, the counters and the
/// lifecycle. Each method is one short, non-blocking step, so recording from many threads
/// never waits long and the accounting (`recorded == sent + rejected + abandoned + pending`)
/// holds after every step.
struct RecorderState {
    /// Records waiting to be sent, oldest first.
    private(set) var buffer: [Record] = []
    /// Encoded requests an interrupted drain could not send; they go out before the buffer.
    private(set) var carried: [WriteRequest] = []
    private(set) var statistics = TradewatchRecorder.Statistics()
    /// Invalid records not yet reported in the log: how many, and the first one's problem.
    private var unreported: (count: Int, firstProblem: String)?

    /// The background loop (`run()`) is running; it then closes the recorder when it ends.
    private(set) var loopRunning = false
    /// `run()` or `shutdown()` has taken on closing the recorder.
    private(set) var closing = false
    private(set) var isClosed = false
    /// The HTTP client the recorder made (made on first use, shut down on close).
    var ownedClient: HTTPClient?

    /// Takes a valid record if it fits; true when the buffer just reached a batch, so the sender
    /// should be woken.
    mutating func enqueue(_ record: Record, capacity: Int, batchSize: Int) -> Bool {
        guard !isClosed, statistics.pending < capacity else {
            statistics.dropped += 1
            return false
        }
        buffer.append(record)
        statistics.recorded += 1
        statistics.pending += 1
        return buffer.count == batchSize
    }

    /// Counts a record refused when recorded.
    mutating func refuse(_ problem: String) {
        statistics.invalid += 1
        if let current = unreported {
            unreported = (current.count + 1, current.firstProblem)
        } else {
            unreported = (1, problem)
        }
    }

    /// The invalid records not yet reported, which now count as reported.
    mutating func takeUnreported() -> (count: Int, firstProblem: String)? {
        defer { unreported = nil }
        return unreported
    }

    /// Everything waiting, for one sender to deliver: it stays `pending` until reported back.
    mutating func takePending(reservingCapacity capacity: Int) -> (requests: [WriteRequest], records: [Record]) {
        guard !buffer.isEmpty || !carried.isEmpty else { return ([], []) }
        var fresh: [Record] = []
        fresh.reserveCapacity(capacity)
        swap(&fresh, &buffer)
        defer { carried = [] }
        return (carried, fresh)
    }

    mutating func delivered(_ count: Int) {
        statistics.sent += count
        statistics.pending -= count
    }

    mutating func rejected(_ count: Int) {
        statistics.rejected += count
        statistics.pending -= count
    }

    mutating func failedAttempt() {
        statistics.failedAttempts += 1
    }

    /// Returns what an interrupted sender still held, ahead of anything newer; once the recorder
    /// is closed it can no longer be sent and counts as abandoned.
    mutating func putBack(requests: ArraySlice<WriteRequest>, records: ArraySlice<Record>) {
        guard !isClosed else {
            let count = requests.reduce(0) { $0 + $1.records } + records.count
            statistics.abandoned += count
            statistics.pending -= count
            return
        }
        carried = Array(requests) + carried
        buffer = Array(records) + buffer
    }

    /// Starts the background loop; false when the recorder is closed or closing (`run()` then
    /// returns at once).
    mutating func startLoop() -> Bool {
        precondition(!loopRunning, "TradewatchRecorder.run() is already running")
        guard !closing, !isClosed else { return false }
        loopRunning = true
        closing = true
        return true
    }

    enum ShutdownRole {
        /// Nobody else will close: the caller sends what it can, then closes.
        case closeHere
        /// The loop or an earlier `shutdown()` closes: wait for it.
        case waitForClose
        case alreadyClosed
    }

    mutating func beginShutdown() -> ShutdownRole {
        if isClosed { return .alreadyClosed }
        if closing { return .waitForClose }
        closing = true
        return .closeHere
    }

    /// Closes: what is buffered or carried counts as abandoned (records a sender holds are
    /// reported back by it). Returns the owned client, to shut down, and the count abandoned.
    mutating func close() -> (client: HTTPClient?, abandoned: Int) {
        let abandoned = buffer.count + carried.reduce(0) { $0 + $1.records }
        statistics.abandoned += abandoned
        statistics.pending -= abandoned
        buffer = []
        carried = []
        isClosed = true
        loopRunning = false
        defer { ownedClient = nil }
        return (ownedClient, abandoned)
    }
}
