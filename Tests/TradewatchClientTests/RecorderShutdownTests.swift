import Foundation
import Logging
import ServiceLifecycle
import Testing
import TradewatchClient

/// What is buffered when the recorder stops is delivered, with and without ServiceLifecycle.
@Suite(.timeLimit(.minutes(2))) struct RecorderShutdownTests {
    /// A configuration under which nothing is sent before a flush or shutdown: no full batch, no tick.
    private func idle(_ url: URL) -> TradewatchRecorder.Configuration {
        .init(baseURL: url, batchSize: 10_000, flushInterval: .seconds(3_600), bufferCapacity: 10_000)
    }

    private func recordSome(_ recorder: TradewatchRecorder, count: Int) {
        for index in 0..<count {
            recorder.record(execution: Execution(orderID: "o-\(index)", symbol: "AAPL", side: .buy, quantity: 1, price: 1))
        }
    }

    @Test func gracefulShutdownOfTheServiceGroupFlushesTheBuffer() async throws {
        try await ScriptedServer.withServer { url, server in
            let recorder = TradewatchRecorder(configuration: idle(url))
            let group = ServiceGroup(
                configuration: .init(services: [recorder], gracefulShutdownSignals: [], logger: Logger(label: "test")))
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await group.run() }
                recordSome(recorder, count: 300)
                #expect(server.received.isEmpty, "nothing is due yet")
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
            }
            #expect(server.storedLines.count == 300)
            #expect(recorder.statistics.sent == 300)
            #expect(recorder.statistics.pending == 0)
        }
    }

    @Test func shutdownWithoutTheLoopSendsWhatIsBuffered() async throws {
        try await ScriptedServer.withServer { url, server in
            let recorder = TradewatchRecorder(configuration: idle(url))
            recordSome(recorder, count: 250)
            await recorder.shutdown()
            #expect(server.storedLines.count == 250)
            #expect(recorder.statistics.sent == 250)
            await recorder.shutdown()  // again: returns at once
            try await recorder.run()  // after shutdown: returns at once
        }
    }

    @Test func flushWithoutTheLoopSendsEverythingRecordedBeforeIt() async throws {
        try await ScriptedServer.withServer { url, server in
            let recorder = TradewatchRecorder(configuration: idle(url))
            recordSome(recorder, count: 40)
            await recorder.flush()
            #expect(server.storedLines.count == 40)
            recordSome(recorder, count: 2)
            await recorder.flush()
            #expect(server.received.count == 2)
            #expect(recorder.statistics.sent == 42)
            await recorder.shutdown()
        }
    }

    @Test func aFullBatchIsSentWithoutWaitingForTheInterval() async throws {
        try await ScriptedServer.withServer { url, server in
            var configuration = idle(url)
            configuration.batchSize = 100
            let recorder = TradewatchRecorder(configuration: configuration)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await recorder.run() }
                recordSome(recorder, count: 100)
                let deadline = ContinuousClock.now + .seconds(20)
                while recorder.statistics.sent < 100, ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(10))
                }
                #expect(recorder.statistics.sent == 100, "sent although the hour-long interval has not passed")
                await recorder.shutdown()
                try await group.waitForAll()
            }
            #expect(server.storedLines.count == 100)
        }
    }
}
