import Logging
import ServiceLifecycle
import Testing
import TradewatchClient
import TradewatchSimulator

/// The service paces the model in real time, stamps records with the wall clock, and closes out
/// (last candles, last performance sample, a stop log line) on graceful shutdown.
@Suite struct SimulationServiceTests {
    static let logger = Logger(label: "simulator-test")

    @Test func runsForItsDurationAndEmitsWhatTheModelEmitsForItsStartTime() async throws {
        let configuration = SimulationConfiguration(symbols: ["AAPL", "MSFT"], rate: 2_000, seed: 3, duration: .milliseconds(600))
        let sink = MemorySink()
        let before = currentTimeNanoseconds()
        try await SimulationService(configuration: configuration, sink: sink, logger: Self.logger).run()
        let after = currentTimeNanoseconds()
        let records = sink.records
        #expect(records.trades.count > 100)
        #expect(records.withoutCandles.allSatisfy { $0.timestamp >= before && $0.timestamp <= after })
        #expect(records.candles.allSatisfy { $0.timestamp >= before - before % 1_000_000_000 && $0.timestamp <= after })

        // The start time the service took is the first log line's; the model replays it exactly.
        var replay = configuration
        replay.startTime = try #require(records.logs.first).timestamp
        let expected = try SimulatedRun(replay, for: .milliseconds(600), step: .milliseconds(600)).records
        #expect(records == expected)
    }

    @Test func gracefulShutdownClosesTheRunOut() async throws {
        let sink = MemorySink()
        let service = try SimulationService(
            configuration: SimulationConfiguration(symbols: ["AAPL"], rate: 1_000, seed: 5), sink: sink,
            logger: Self.logger)
        let group = ServiceGroup(services: [service], logger: Self.logger)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            // Bounded wait (at most 10 s) for the first trade.
            for _ in 0..<1_000 where sink.records.trades.isEmpty {
                try await Task.sleep(for: .milliseconds(10))
            }
            #expect(!sink.records.trades.isEmpty)
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        let records = sink.records
        #expect(records.logs.last?.message == "simulator stopped")
        #expect(records.performance.last.map { $0.timestamp >= records.trades.last!.timestamp } == true)
        let count = records.count
        try await Task.sleep(for: .milliseconds(50))
        #expect(sink.count == count, "nothing is recorded after the service returned")
    }
}
