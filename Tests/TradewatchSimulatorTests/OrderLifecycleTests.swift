import Testing
import TradewatchClient
import TradewatchSimulator

/// Every execution can be traced through the logs by its correlation id: sent, acknowledged,
/// then one line per fill, in that order, from the strategy's own service.
@Suite struct OrderLifecycleTests {
    let run = threeMinutes

    @Test func everyExecutionHasItsSentAcknowledgedAndFillLogLinesInOrder() throws {
        var logs: [String: [LogEntry]] = [:]
        for entry in run.records.logs {
            if let id = entry.correlationID { logs[id, default: []].append(entry) }
        }
        let byOrder = Dictionary(grouping: run.records.executions) { $0.correlationID ?? "" }
        #expect(byOrder[""] == nil, "every execution has a correlation id")
        #expect(byOrder.count > 300)
        for (id, fills) in byOrder {
            let lines = try #require(logs[id], "no log line for \(id)")
            let messages = lines.map(\.message)
            let expected = ["order sent", "order acknowledged"]
                + Array(repeating: "order partially filled", count: fills.count - 1) + ["order filled"]
            #expect(messages == expected, "\(id)")
            #expect(lines.allSatisfy { $0.service == "strategy-\(fills[0].strategy!)" })
            #expect(zip(lines, lines.dropFirst()).allSatisfy { $0.timestamp < $1.timestamp })
            #expect(lines.allSatisfy { $0.attributes["order_id"] == fills[0].orderID })
            for (fill, line) in zip(fills, lines.dropFirst(2)) {
                #expect(fill.timestamp == line.timestamp)
                #expect(line.attributes["fill_qty"] == "\(fill.quantity)")
                #expect(fill.latencyMicroseconds == (fill.timestamp - lines[0].timestamp) / 1_000)
            }
            #expect(fills.reduce(0) { $0 + $1.quantity } == Double(lines[0].attributes["qty"]!))
        }
    }

    @Test func ordersAreAlsoRejectedCancelledAndPartiallyFilled() {
        let messages = Set(run.records.logs.map(\.message))
        #expect(messages.isSuperset(of: ["order rejected", "order canceled", "order partially filled"]))
        let rejected = run.records.logs.filter { $0.message == "order rejected" }
        #expect(rejected.allSatisfy { $0.level == .warning && $0.correlationID != nil })
        let filledIDs = Set(run.records.executions.compactMap(\.correlationID))
        let unfilled = run.records.logs.filter { $0.message == "order rejected" || $0.message == "order canceled" }
        #expect(unfilled.allSatisfy { !filledIDs.contains($0.correlationID!) })
        #expect(run.simulation.statistics.rejects == rejected.count)
    }

    @Test func latenciesHaveATailAndFillsPayFees() throws {
        let latencies = run.records.executions.compactMap(\.latencyMicroseconds).sorted()
        #expect(latencies.count == run.records.executions.count)
        let median = latencies[latencies.count / 2]
        let worst = try #require(latencies.last)
        #expect(median > 50 && median < 1_000, "median \(median) us")
        #expect(worst > 5 * median, "the slowest fill (\(worst) us) is far out in the tail")
        #expect(run.records.executions.allSatisfy { ($0.fee ?? -1) > 0 })
        let latencyMetrics = run.records.metrics.filter { $0.name == "order.latency_us" }
        #expect(latencyMetrics.count == latencies.count)
        #expect(latencyMetrics.allSatisfy { $0.symbol != nil && $0.labels["strategy"] != nil })
    }
}
