import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle
import TradewatchClient
import TradewatchSimulator

/// `tradewatch simulate`: a trading desk's feed sent to a Tradewatch server through the client
/// library, for demos, dashboards and load.
struct SimulateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Send a simulated market and trading strategies' data to a Tradewatch server.",
        discussion: """
            Generates quotes and trades for N symbols (random-walk prices with calm and volatile \
            spells), 1-second candles, and three strategies (mm, momentum, meanrev) whose orders \
            get executions with latency, slippage and fees, performance samples, metrics, and log \
            lines tied to each order by a correlation id. The same --seed gives the same data. \
            SIGINT or SIGTERM stops it: the last records are sent before it exits.
            """
    )

    @Option(help: "Tradewatch server to send to (env: TRADEWATCH_URL; default: http://127.0.0.1:8080).")
    var url: String?

    @Option(help: "Market events (quotes and trades) per second over all symbols, up to 1000000.")
    var rate: Double = 1_000

    @Option(help: "Number of symbols, 1 to 10000 (AAPL, MSFT, … then SYM017, …).")
    var symbols: Int = 8

    @Option(help: "Seed of the model: the same seed gives the same data.")
    var seed: UInt64 = 42

    @Option(help: "Seconds to run, then stop (default: until SIGINT or SIGTERM).")
    var duration: Double?

    @Option(help: "Strategies that trade, comma-separated: mm, momentum, meanrev, or none (default: all).")
    var strategies: String?

    @Option(help: "API key, sent as 'Authorization: Token <key>' (env: TRADEWATCH_API_KEY).")
    var apiKey: String?

    @Option(help: "Seconds between progress lines.")
    var progressInterval: Int = 5

    func validate() throws {
        guard rate.isFinite, rate > 0, rate <= 1_000_000 else {
            throw ValidationError("--rate \(rate) is not between 0 (excluded) and 1000000 events per second")
        }
        guard (1...10_000).contains(symbols) else { throw ValidationError("--symbols \(symbols) is not between 1 and 10000") }
        if let duration, !(duration.isFinite && duration > 0) {
            throw ValidationError("--duration \(duration) is not a positive number of seconds")
        }
        guard (1...3_600).contains(progressInterval) else {
            throw ValidationError("--progress-interval \(progressInterval) is not between 1 and 3600 seconds")
        }
        _ = try strategyKinds()
    }

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let address = url ?? environment["TRADEWATCH_URL"] ?? "http://127.0.0.1:8080"
        let server = try serverURL(address)
        try checkReachable(server)
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .warning
            return handler
        }
        let logger = Logger(label: "tradewatch.simulate")
        let configuration = SimulationConfiguration(
            symbols: SimulationConfiguration.symbols(count: symbols), rate: rate, seed: seed,
            strategies: try strategyKinds(), duration: duration.map { .nanoseconds(Int64(($0 * 1e9).rounded())) })
        // A run that has ended waits up to 30 s (not the recorder's default 5 s) to deliver what
        // it buffered: on a busy machine the last seconds of events can take that long to send.
        let recorder = TradewatchRecorder(
            configuration: .init(
                baseURL: server, apiKey: apiKey ?? environment["TRADEWATCH_API_KEY"], shutdownTimeout: .seconds(30)),
            logger: logger)
        let simulation = try SimulationService(configuration: configuration, sink: recorder, logger: logger)
        // The group stops services in reverse: the simulation closes out, then the recorder flushes.
        let group = ServiceGroup(configuration: .init(
            services: [
                .init(service: recorder),
                .init(service: simulation, successTerminationBehavior: .gracefullyShutdownGroup),
            ],
            gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))

        say("Simulating \(symbols) symbols at \(grouped(Int(rate))) market events/s (seed \(seed), strategies: "
            + "\(configuration.strategies.isEmpty ? "none" : configuration.strategies.sorted().map(\.rawValue).joined(separator: ", "))) "
            + "into \(server.absoluteString)" + (duration.map { " for \($0) s" } ?? "; Ctrl-C stops"))
        let started = ContinuousClock.now
        let refused = try await withThrowingTaskGroup(of: Bool?.self) { tasks in
            tasks.addTask { try await group.run(); return nil }
            tasks.addTask {
                await reportProgress(
                    recorder: recorder, simulation: simulation, started: started, group: group,
                    interval: .seconds(progressInterval))
            }
            var refused = false
            while let result = try await tasks.next() {
                if let result { refused = result } else { tasks.cancelAll() }  // the group ended
            }
            return refused
        }
        let seconds = secondsSince(started)
        let sent = recorder.statistics
        let generated = simulation.statistics
        say("Done in \(oneDecimal(seconds)) s: \(grouped(generated.marketEvents)) market events, "
            + "\(grouped(generated.orders)) orders, \(grouped(generated.executions)) executions, "
            + "\(grouped(generated.records)) records; sent \(grouped(sent.sent)) "
            + "(\(grouped(Int(Double(sent.sent) / max(seconds, 0.001))))/s), dropped \(grouped(sent.dropped)), "
            + "invalid \(grouped(sent.invalid)), rejected \(grouped(sent.rejected)), abandoned \(grouped(sent.abandoned))")
        if refused || sent.rejected > 0 {
            throw FatalError("the server at \(server.absoluteString) refused \(grouped(sent.rejected)) records (the warnings above say why)")
        }
        if sent.abandoned > 0 {
            throw FatalError("\(grouped(sent.abandoned)) records could not be sent to \(server.absoluteString) before stopping")
        }
    }

    /// The strategies named by --strategies.
    func strategyKinds() throws -> Set<StrategyKind> {
        guard let strategies else { return Set(StrategyKind.allCases) }
        if strategies == "none" { return [] }
        return Set(try strategies.split(separator: ",").map { name in
            let trimmed = name.trimmingCharacters(in: .whitespaces)
            guard let kind = StrategyKind(rawValue: trimmed) else {
                throw ValidationError("--strategies: \"\(trimmed)\" is not one of mm, momentum, meanrev, none")
            }
            return kind
        })
    }
}
