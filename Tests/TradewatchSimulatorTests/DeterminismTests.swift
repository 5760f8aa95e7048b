import Testing
import TradewatchClient
import TradewatchSimulator

/// A seed and a start time fix the records, however the simulated time is stepped.
@Suite struct DeterminismTests {
    static let configuration = SimulationConfiguration(symbols: ["AAPL", "MSFT", "ZZZ9"], rate: 400, seed: 9, startTime: testStart)

    @Test func sameSeedGivesTheSameRecordsWhateverTheSteps() throws {
        let fine = try SimulatedRun(Self.configuration, for: .seconds(30), step: .microseconds(700))
        let coarse = try SimulatedRun(Self.configuration, for: .seconds(30), step: .seconds(30))
        #expect(fine.records.count > 10_000)
        #expect(fine.records.executions.count > 50)
        #expect(fine.records == coarse.records)
        #expect(fine.simulation.statistics == coarse.simulation.statistics)
    }

    @Test func anotherSeedGivesOtherRecords() throws {
        var other = Self.configuration
        other.seed = 10
        let first = try SimulatedRun(Self.configuration, for: .seconds(10))
        let second = try SimulatedRun(other, for: .seconds(10))
        #expect(first.records.trades != second.records.trades)
        #expect(first.records.quotes.last != second.records.quotes.last)
        #expect(Set(first.records.executions.map(\.orderID)).isDisjoint(with: second.records.executions.map(\.orderID)))
    }

    @Test func startTimeOnlyShiftsTimestamps() throws {
        var later = Self.configuration
        later.startTime = testStart + 3_000_000_000
        let first = try SimulatedRun(Self.configuration, for: .seconds(10)).records.trades
        let second = try SimulatedRun(later, for: .seconds(10)).records.trades
        #expect(first.map { $0.timestamp + 3_000_000_000 } == second.map(\.timestamp))
        #expect(first.map(\.price) == second.map(\.price))
    }

    @Test func switchingStrategiesOffLeavesTheMarketUnchanged() throws {
        var quiet = Self.configuration
        quiet.strategies = []
        let trading = try SimulatedRun(Self.configuration, for: .seconds(20)).records
        let market = try SimulatedRun(quiet, for: .seconds(20)).records
        #expect(market.executions.isEmpty && market.performance.isEmpty)
        #expect(trading.quotes == market.quotes)
        #expect(trading.trades == market.trades)
        #expect(trading.candles == market.candles)
    }

    @Test func recordsArriveInTimeOrderAndStopAtTheDuration() throws {
        var bounded = Self.configuration
        bounded.duration = .seconds(12)
        let sink = MemorySink()
        var simulation = try Simulation(configuration: bounded)
        simulation.advance(by: .seconds(60), into: sink)
        #expect(simulation.isFinished)
        #expect(simulation.elapsedNanoseconds == 12_000_000_000)
        let count = sink.count
        simulation.finish(into: sink)
        simulation.advance(by: .seconds(5), into: sink)
        let records = sink.records
        #expect(records.count > count)
        let timed = records.withoutCandles
        #expect(zip(timed, timed.dropFirst()).allSatisfy { $0.timestamp <= $1.timestamp })
        #expect(timed.allSatisfy { $0.timestamp >= testStart && $0.timestamp <= testStart + 12_000_000_000 })
        // A bar is handed over once it closed (or at the end), never before its last trade.
        var lastTrade: [String: Int64] = [:]
        for record in records {
            switch record {
            case .trade(let trade): lastTrade[trade.symbol] = trade.timestamp
            case .candle(let bar):
                #expect(bar.timestamp >= testStart - testStart % 1_000_000_000)
                #expect(lastTrade[bar.symbol].map { $0 >= bar.timestamp && $0 < bar.timestamp + 1_000_000_000 } == true)
            default: break
            }
        }
        #expect(records.logs.last?.message == "simulator stopped")
    }
}
