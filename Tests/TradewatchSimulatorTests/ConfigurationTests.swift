import Testing
import TradewatchSimulator

/// A configuration that cannot run is refused with a message naming the setting.
@Suite struct ConfigurationTests {
    @Test(arguments: [
        (SimulationConfiguration(symbols: []), "symbols: at least one symbol is needed"),
        (SimulationConfiguration(symbols: ["AAPL", "AAPL"]), "symbols: a name appears twice"),
        (SimulationConfiguration(symbols: ["AAPL", "BAD SYMBOL"]), "symbols[1]: \"BAD SYMBOL\" is not 1 to 32 letters"),
        (SimulationConfiguration(rate: 0), "rate: 0.0 market events per second"),
        (SimulationConfiguration(rate: .nan), "rate: nan market events per second"),
        (SimulationConfiguration(duration: .seconds(-1)), "duration: -1.0 seconds is not positive"),
        (SimulationConfiguration(decisionsPerSecond: 0), "decisionsPerSecond: 0.0"),
    ])
    func refusesWithTheSettingNamed(configuration: SimulationConfiguration, message: String) {
        #expect {
            _ = try Simulation(configuration: configuration)
        } throws: { error in
            "\(error)".hasPrefix(message)
        }
    }

    @Test func defaultSymbolsAreWellKnownThenSynthetic() throws {
        #expect(SimulationConfiguration.symbols(count: 3) == ["AAPL", "MSFT", "NVDA"])
        let many = SimulationConfiguration.symbols(count: 40)
        #expect(many.count == 40 && Set(many).count == 40 && many.last == "SYM040")
        _ = try Simulation(configuration: SimulationConfiguration(symbols: many))
    }
}
