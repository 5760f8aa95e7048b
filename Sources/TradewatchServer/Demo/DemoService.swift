import Foundation
import Logging
import ServiceLifecycle
import TradewatchClient
import TradewatchSimulator

/// `tradewatch serve --demo`: the market and strategy simulator inside the server. It records
/// through the server's own `/api/v2/write` with the client library, once the server listens:
/// the same parsing, validation, commit and live path as any external producer.
///
/// Runs beside the application (``ServerRunner``) and stops before it on shutdown, while the
/// HTTP server still answers: records still buffered then are sent, or given up after a short
/// timeout, as a demo's last half second does not matter.
struct DemoService: Service {
    let port: ListeningPort
    let host: String
    let simulation: SimulationConfiguration
    /// Sent with every write when the server requires keys (`--demo-api-key`).
    let apiKey: String?
    let logger: Logger

    func run() async throws {
        let port = await cancelWhenGracefulShutdown { [port] in
            await withTaskCancellationHandler { await port.wait() } onCancel: { port.resolve(nil) }
        }
        guard let port else { return }
        // A server on every address (0.0.0.0, ::) is reached on loopback.
        let address = ["0.0.0.0", "::", "[::]", ""].contains(host) ? "127.0.0.1" : host
        let url = URL(string: "http://\(address.contains(":") ? "[\(address)]" : address):\(port)")!
        let recorder = TradewatchRecorder(
            configuration: .init(
                baseURL: url, apiKey: apiKey, batchSize: 5_000, flushInterval: .milliseconds(200),
                shutdownTimeout: .seconds(1), service: "demo", userAgent: Self.userAgent),
            logger: logger)
        let simulator = try SimulationService(configuration: simulation, sink: recorder, logger: logger)
        logger.info(
            "Demo feed started", metadata: [
                "event": "demo.started", "url": "\(url)", "symbols": "\(simulation.symbols.count)",
                "rate": "\(simulation.rate)", "seed": "\(simulation.seed)",
            ])
        // The recorder first, so that the simulator stops before it and its records go out.
        let group = ServiceGroup(
            configuration: .init(services: [recorder, simulator], gracefulShutdownSignals: [], logger: logger))
        try await withGracefulShutdownHandler {
            try await group.run()
        } onGracefulShutdown: {
            // The handler cannot await: the shutdown of the inner group runs beside it.
            Task { await group.triggerGracefulShutdown() }
        }
        let statistics = recorder.statistics
        logger.info("Demo feed stopped", metadata: ["event": "demo.stopped", "recorder": "\(statistics)"])
    }
}

extension DemoService {
    /// The `User-Agent` of the demo feed's writes: a fixed prefix and a secret drawn once per
    /// process. ``RequestLoggingMiddleware`` logs requests carrying it at debug, so that the
    /// feed's own writes (several a second) do not flood the access log, while no outside client
    /// can pass for the feed to keep its requests out of the log at info.
    static let userAgent = "tradewatch-demo/"
        + String(UInt64.random(in: .min ... .max), radix: 16) + String(UInt64.random(in: .min ... .max), radix: 16)
}
