public import AsyncHTTPClient
public import Logging
public import ServiceLifecycle
import Synchronization
import TradewatchCore

/// Records metrics, trades, quotes, candles, executions, strategy performance and logs from a
/// trading process and sends them to a Tradewatch server in the background.
///
/// Recording never blocks and never waits for the network: a record is checked, appended to a
/// bounded in-memory buffer behind a mutex, and the call returns. One background loop sends the
/// buffer as line protocol in batches (when `batchSize` records are waiting, or every
/// `flushInterval`), retrying a failed request with exponential backoff and jitter on connection
/// errors, 429 and 5xx answers (honouring `Retry-After`) until it is stored. When the buffer is
/// full, new records are counted as `dropped` instead of growing memory.
///
/// ```swift
/// let recorder = TradewatchRecorder(configuration: .init(baseURL: URL(string: "http://127.0.0.1:8080")!))
/// // As a swift-service-lifecycle service: sends until graceful shutdown, then flushes.
/// let group = ServiceGroup(services: [recorder, myStrategy], logger: logger)
/// try await group.run()
/// // Anywhere in the process, from any thread:
/// recorder.record(trade: Trade(symbol: "AAPL", price: 187.25, quantity: 100, side: .buy))
/// recorder.log(.info, "order sent", correlationID: "ord-42")
/// ```
///
/// Without ServiceLifecycle, run `run()` in a task of your own and end it with `shutdown()`, or
/// call `flush()` whenever records should go out now.
public final class TradewatchRecorder: Service, Sendable {
    public let configuration: Configuration
    let logger: Logger
    let state = Mutex(RecorderState())
    /// A client the caller handed in: used, never shut down.
    let providedClient: HTTPClient?
    /// Tells the loop there is work: a full batch, the interval's tick, a stop request.
    let wake = WakeSignal()
    let stopRequested = Latch()
    let closed = Latch()
    /// One sender at a time: the loop, `flush()` and `shutdown()` take turns.
    let gate = SendGate()

    /// Makes a recorder; nothing is sent before `run()`, `flush()` or `shutdown()`.
    ///
    /// - Parameters:
    ///   - httpClient: a client to send with, which stays yours to shut down; by default the
    ///     recorder makes its own on first use and shuts it down when it closes.
    ///   - logger: where failed sends, rejected batches and invalid records are reported.
    public init(
        configuration: Configuration, httpClient: HTTPClient? = nil,
        logger: Logger = Logger(label: "tradewatch.recorder")
    ) {
        self.configuration = configuration.normalized
        self.providedClient = httpClient
        self.logger = logger
    }

    /// The counters so far: recorded, sent, dropped, invalid, rejected, abandoned, failed
    /// attempts and pending.
    public var statistics: Statistics { state.withLock { $0.statistics } }

    public func record(metric: Metric) { submit(.metric(metric)) }
    public func record(trade: Trade) { submit(.trade(trade)) }
    public func record(quote: Quote) { submit(.quote(quote)) }
    public func record(candle: CandleBar) { submit(.candle(candle)) }
    public func record(execution: Execution) { submit(.execution(execution)) }
    public func record(performance: PerformanceSample) { submit(.performance(performance)) }
    public func log(_ entry: LogEntry) { submit(.log(entry)) }

    /// Records a log line now, with the configured `service`.
    public func log(
        _ level: LogLevel, _ message: String, correlationID: String? = nil, attributes: [String: String] = [:]
    ) {
        submit(.log(LogEntry(level: level, message: message, correlationID: correlationID, attributes: attributes)))
    }

    /// The hot path: validate, append, and wake the sender when a batch is complete.
    private func submit(_ record: Record) {
        if let problem = record.problem {
            state.withLock { $0.refuse(problem) }
            return
        }
        let capacity = configuration.bufferCapacity
        let batchSize = configuration.batchSize
        let batchReady = state.withLock { $0.enqueue(record, capacity: capacity, batchSize: batchSize) }
        if batchReady { wake.fire() }
    }
}
