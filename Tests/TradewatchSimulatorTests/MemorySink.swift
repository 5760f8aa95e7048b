import Synchronization
import TradewatchClient
import TradewatchSimulator

/// One record as the simulation handed it over.
enum Record: Hashable, Sendable {
    case metric(Metric)
    case trade(Trade)
    case quote(Quote)
    case candle(CandleBar)
    case execution(Execution)
    case performance(PerformanceSample)
    case log(LogEntry)

    /// The record's timestamp (a candle's is the start of its bar).
    var timestamp: Int64 {
        switch self {
        case .metric(let value): value.timestamp
        case .trade(let value): value.timestamp
        case .quote(let value): value.timestamp
        case .candle(let value): value.timestamp
        case .execution(let value): value.timestamp
        case .performance(let value): value.timestamp
        case .log(let value): value.timestamp
        }
    }
}

/// Keeps every record in memory, in the order received.
final class MemorySink: SimulationSink {
    private let storage = Mutex<[Record]>([])

    func record(metric: Metric) { append(.metric(metric)) }
    func record(trade: Trade) { append(.trade(trade)) }
    func record(quote: Quote) { append(.quote(quote)) }
    func record(candle: CandleBar) { append(.candle(candle)) }
    func record(execution: Execution) { append(.execution(execution)) }
    func record(performance: PerformanceSample) { append(.performance(performance)) }
    func log(_ entry: LogEntry) { append(.log(entry)) }

    var records: [Record] { storage.withLock { $0 } }
    var count: Int { storage.withLock { $0.count } }

    private func append(_ record: Record) { storage.withLock { $0.append(record) } }
}

extension Array where Element == Record {
    var metrics: [Metric] { compactMap { if case .metric(let value) = $0 { value } else { nil } } }
    var trades: [Trade] { compactMap { if case .trade(let value) = $0 { value } else { nil } } }
    var quotes: [Quote] { compactMap { if case .quote(let value) = $0 { value } else { nil } } }
    var candles: [CandleBar] { compactMap { if case .candle(let value) = $0 { value } else { nil } } }
    var executions: [Execution] { compactMap { if case .execution(let value) = $0 { value } else { nil } } }
    var performance: [PerformanceSample] { compactMap { if case .performance(let value) = $0 { value } else { nil } } }
    var logs: [LogEntry] { compactMap { if case .log(let value) = $0 { value } else { nil } } }

    /// Everything but candles, whose timestamp is the start of a bar that closed later.
    var withoutCandles: [Record] { filter { if case .candle = $0 { false } else { true } } }
}
