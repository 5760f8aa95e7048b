import TradewatchClient
import TradewatchSimulator

/// 2026-01-01T00:00:00.25Z: a start that is not on a whole second, so candle alignment is tested.
let testStart: Int64 = 1_767_225_600_250_000_000

/// A finished simulation and everything it recorded.
struct SimulatedRun {
    let simulation: Simulation
    let records: [Record]

    /// Runs `configuration` for `duration` of simulated time in steps of `step`, then finishes it.
    init(_ configuration: SimulationConfiguration, for duration: Duration, step: Duration = .milliseconds(100)) throws {
        let sink = MemorySink()
        var simulation = try Simulation(configuration: configuration)
        var elapsed = Duration.zero
        while elapsed < duration {
            elapsed = min(elapsed + step, duration)
            simulation.advance(to: elapsed, into: sink)
        }
        simulation.finish(into: sink)
        self.simulation = simulation
        records = sink.records
    }
}

/// Three simulated minutes of the default desk (8 symbols, 1000 events/s, three strategies),
/// shared by the tests that only read it.
let threeMinutes: SimulatedRun = {
    try! SimulatedRun(SimulationConfiguration(seed: 42, startTime: testStart), for: .seconds(180))
}()
