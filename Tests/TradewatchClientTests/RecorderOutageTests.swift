import Foundation
import Testing
import TradewatchClient

/// A port nothing listens on: bound to find a free one, then closed.
func closedPort() throws -> Int {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard descriptor >= 0 else { throw ProcessFailure("socket() failed: \(errno)") }
    defer { close(descriptor) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
            bind(descriptor, address, length) == 0 && getsockname(descriptor, address, &length) == 0
        }
    }
    guard bound else { throw ProcessFailure("bind() failed: \(errno)") }
    return Int(UInt16(bigEndian: address.sin_port))
}

/// A server that is down must cost the caller nothing but the records that do not fit.
@Suite(.timeLimit(.minutes(2))) struct RecorderOutageTests {
    @Test func aDownServerNeitherBlocksTheCallerNorGrowsTheBuffer() async throws {
        let capacity = 1_000
        let configuration = TradewatchRecorder.Configuration(
            baseURL: URL(string: "http://127.0.0.1:\(try closedPort())")!, batchSize: 100,
            flushInterval: .milliseconds(20), bufferCapacity: capacity, requestTimeout: .seconds(2),
            retryBackoff: .init(base: .milliseconds(10), maximum: .milliseconds(100)), shutdownTimeout: .seconds(1))
        let recorder = TradewatchRecorder(configuration: configuration)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await recorder.run() }

            // Ten times the capacity, from four threads at once, while the loop is retrying.
            let started = ContinuousClock.now
            await withTaskGroup(of: Void.self) { writers in
                for writer in 0..<4 {
                    writers.addTask {
                        for index in 0..<(capacity * 10 / 4) {
                            recorder.record(trade: Trade(symbol: "W\(writer)", price: 1, quantity: 1, tradeID: "\(index)"))
                        }
                    }
                }
            }
            // Generous (a loaded CI machine took 18 s): recording that waited on the down server's
            // retries would take many minutes for these records.
            #expect(ContinuousClock.now - started < .seconds(60))

            var statistics = recorder.statistics
            #expect(statistics.recorded == capacity)
            #expect(statistics.dropped == capacity * 9)
            #expect(statistics.pending == capacity)

            // Let the loop fail a few times (bounded wait): it keeps retrying, it does not crash.
            let deadline = ContinuousClock.now + .seconds(20)
            while recorder.statistics.failedAttempts < 3, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(recorder.statistics.failedAttempts >= 3)

            let stopping = ContinuousClock.now
            await recorder.shutdown()
            #expect(ContinuousClock.now - stopping < .seconds(1) + .seconds(5), "shutdown ends within its timeout")
            try await group.waitForAll()

            statistics = recorder.statistics
            #expect(statistics.sent == 0)
            #expect(statistics.abandoned == capacity)
            #expect(statistics.pending == 0)
            recorder.record(trade: Trade(symbol: "late", price: 1, quantity: 1))
            #expect(recorder.statistics.dropped == capacity * 9 + 1, "a closed recorder drops")
        }
    }

    @Test func flushWaitingOnADownServerEndsWhenCancelled() async throws {
        let recorder = TradewatchRecorder(
            configuration: .init(
                baseURL: URL(string: "http://127.0.0.1:\(try closedPort())")!,
                retryBackoff: .init(base: .milliseconds(10), maximum: .milliseconds(50)), shutdownTimeout: .milliseconds(200)))
        for index in 0..<10 { recorder.record(metric: Metric(name: "m", value: Double(index))) }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await recorder.flush() }
            group.addTask { try? await Task.sleep(for: .milliseconds(300)) }
            _ = await group.next()
            group.cancelAll()
        }
        // The records stay buffered for a later attempt, then shutdown gives up on them.
        #expect(recorder.statistics.pending == 10)
        #expect(recorder.statistics.failedAttempts >= 1)
        await recorder.shutdown()
        #expect(recorder.statistics.abandoned == 10)
        #expect(recorder.statistics.pending == 0)
    }
}
