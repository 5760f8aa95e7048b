public import TradewatchClient

/// Where a simulation delivers what it generates. `TradewatchRecorder` conforms (it sends
/// everything to a server); tests use an in-memory sink. Every method is called from the
/// simulation's own task in simulated-time order, and must neither block nor suspend.
public protocol SimulationSink: Sendable {
    func record(metric: Metric)
    func record(trade: Trade)
    func record(quote: Quote)
    func record(candle: CandleBar)
    func record(execution: Execution)
    func record(performance: PerformanceSample)
    func log(_ entry: LogEntry)
}
