import Foundation
import TradewatchTestSupport

/// A real `tradewatch serve` on a free port for the client tests: the shared `ServerProcess`
/// with its own data directory, warnings-only logs, stopped with SIGTERM.
final class TradewatchProcess: Sendable {
    private let server: ServerProcess

    init(dataDirectory: String, arguments: [String] = []) throws {
        server = try ServerProcess(
            ["serve", "--port", "0", "--data-dir", dataDirectory, "--log-level", "warning"] + arguments)
    }

    var text: String { server.standardOutput + server.standardError }

    /// Waits for the "listening on http://HOST:PORT" line and returns the base URL.
    func waitUntilListening(timeout: Duration = .seconds(30)) async throws -> URL {
        try await server.waitUntilListening(timeout: timeout)
    }

    /// Stops the server with SIGTERM and waits (bounded) for it to exit.
    func stop() async throws {
        server.signal(SIGTERM)
        _ = try await server.waitForExit()
    }

    /// Runs `tradewatch keys create` on the data directory and returns the new key.
    static func createKey(dataDirectory: String, scopes: String) async throws -> String {
        try await ServerProcess.createKey(name: "client-tests", scopes: scopes, dataDirectory: dataDirectory)
    }
}

struct ProcessFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
