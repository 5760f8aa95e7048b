import Logging
import ServiceLifecycle
import Synchronization
import Testing
import TradewatchCore
import TradewatchTestSupport
import TradewatchSystem

/// The service hands batches over on its interval, reports its own cost, and stops on shutdown.
@Suite("System collector service")
struct SystemCollectorServiceTests {
    @Test func submitsBatchesUntilShutdownAndReportsItsOwnCost() async throws {
        let folder = try TemporaryDirectory()
        let received = Mutex<[ColumnarBatch]>([])
        let service = SystemCollectorService(
            dataDirectory: folder.path, interval: .milliseconds(50), logger: Logger(label: "test"),
            submit: { batch in received.withLock { $0.append(batch) } })
        let group = ServiceGroup(services: [service], logger: Logger(label: "test"))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            // Generous: the whole suite runs in parallel in one process on two cores.
            let deadline = ContinuousClock.now + .seconds(60)
            while received.withLock({ $0.count }) < 3 && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(20))
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        let batches = received.withLock { $0 }
        try #require(batches.count >= 3, "only \(batches.count) batches")
        let name = try #require(AnalyticsTable.metrics.columnIndex("name"))
        func names(_ batch: ColumnarBatch) -> Set<String> {
            Set((0..<batch.rowCount).compactMap { row in
                if case .text(let text) = batch.value(row: row, column: name) { return text }
                return nil
            })
        }
        // The first reading has gauges only; later ones add rates and the previous reading's cost.
        #expect(names(batches[0]).contains("system.memory.total_bytes"))
        #expect(!names(batches[0]).contains("system.cpu.usage_percent"))
        #expect(names(batches[2]).isSuperset(of: ["system.cpu.usage_percent", "process.cpu_percent", "process.collector.cpu_microseconds"]))
        // Rows carry the time of their reading, in nanoseconds since the epoch, increasing.
        #expect(batches[1].timestamps[0] > batches[0].timestamps[0])
        #expect(batches[0].timestamps[0] > 1_700_000_000_000_000_000)
    }
}
