/// How much a simulation has generated so far, by kind.
public struct SimulationStatistics: Sendable, Hashable {
    public var quotes = 0
    public var trades = 0
    public var candles = 0
    public var metrics = 0
    public var executions = 0
    public var performanceSamples = 0
    public var logs = 0
    /// Orders sent, and what became of them.
    public var orders = 0
    public var rejects = 0
    public var cancels = 0

    public init() {}

    /// Quotes and trades: the events the configured rate counts.
    public var marketEvents: Int { quotes + trades }

    /// Every record handed to the sink.
    public var records: Int { quotes + trades + candles + metrics + executions + performanceSamples + logs }
}
