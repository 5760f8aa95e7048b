public import Logging
public import ServiceLifecycle
import Synchronization
import TradewatchClient

/// Runs a simulation in real time: simulated time follows the clock, so market events arrive at
/// the configured rate per second and timestamps are the wall clock (the start time is taken
/// when the service starts). Stops after the configured duration, or on graceful shutdown; either
/// way it closes the last candles and takes a last performance sample before returning.
///
/// In a `ServiceGroup`, list it after the recorder it records into: the group shuts services down
/// in reverse order, so the simulation closes out first and the recorder then sends its last
/// records. With a duration, give it `successTerminationBehavior: .gracefullyShutdownGroup` to
/// end the group when the time is up.
public struct SimulationService<PacingClock: Clock>: Service where PacingClock.Duration == Duration {
    let configuration: SimulationConfiguration
    let sink: any SimulationSink
    let logger: Logger
    let clock: PacingClock
    let tick: Duration
    private let progress = SharedStatistics()

    /// - Parameters:
    ///   - tick: how often the model catches up with the clock (records go out in bursts this far apart).
    public init(
        configuration: SimulationConfiguration, sink: any SimulationSink, logger: Logger, clock: PacingClock,
        tick: Duration = .milliseconds(10)
    ) throws(SimulationConfigurationError) {
        try configuration.validate()
        self.configuration = configuration
        self.sink = sink
        self.logger = logger
        self.clock = clock
        self.tick = tick
    }

    /// What the running simulation has generated so far (shared by copies of the service).
    public var statistics: SimulationStatistics { progress.value.withLock { $0 } }

    public func run() async throws {
        var configuration = self.configuration
        configuration.startTime = currentTimeNanoseconds()
        let statistics = try await cancelWhenGracefulShutdown { [configuration, sink, logger, clock, tick, progress] in
            var simulation = try Simulation(configuration: configuration)
            logger.info("simulation started", metadata: [
                "seed": "\(configuration.seed)", "symbols": "\(configuration.symbols.count)",
                "rate": "\(configuration.rate)",
            ])
            let began = clock.now
            var deadline = began
            var warnedBehind = false
            while !simulation.isFinished {
                deadline = max(deadline.advanced(by: tick), clock.now)
                do {
                    try await clock.sleep(until: deadline, tolerance: nil)
                } catch {
                    break  // graceful shutdown or cancellation
                }
                let target = began.duration(to: clock.now)
                simulation.advance(to: target, into: sink)
                progress.value.withLock { $0 = simulation.statistics }
                let behind = began.duration(to: clock.now) - target
                if !warnedBehind, behind > .seconds(1) {
                    warnedBehind = true
                    logger.warning("simulation cannot keep up with its rate", metadata: [
                        "rate": "\(configuration.rate)", "behind": "\(behind)",
                    ])
                }
            }
            simulation.finish(into: sink)
            progress.value.withLock { $0 = simulation.statistics }
            return simulation.statistics
        }
        logger.info("simulation stopped", metadata: [
            "market_events": "\(statistics.marketEvents)", "orders": "\(statistics.orders)",
            "executions": "\(statistics.executions)", "records": "\(statistics.records)",
        ])
    }
}

extension SimulationService where PacingClock == ContinuousClock {
    /// A service paced by the continuous clock.
    public init(
        configuration: SimulationConfiguration, sink: any SimulationSink, logger: Logger
    ) throws(SimulationConfigurationError) {
        try self.init(configuration: configuration, sink: sink, logger: logger, clock: ContinuousClock())
    }
}

/// The statistics a running service publishes after each step.
final class SharedStatistics: Sendable {
    let value = Mutex(SimulationStatistics())
}
