import Foundation
import Synchronization

/// A real `tradewatch serve` process on a free port (adapted from the server tests'
/// `ServerProcess`): the built executable, its own data directory, stopped with SIGTERM.
final class TradewatchProcess: Sendable {
    private let process: Process
    private let output = CollectedOutput()

    /// The built `tradewatch` executable: beside the test bundle, else `.build/debug`.
    static let executable: URL = {
        let besideTests = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            .appendingPathComponent("tradewatch")
        if FileManager.default.isExecutableFile(atPath: besideTests.path) { return besideTests }
        let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return packageRoot.appendingPathComponent(".build/debug/tradewatch")
    }()

    init(dataDirectory: String, arguments: [String] = []) throws {
        process = Process()
        process.executableURL = Self.executable
        process.arguments = ["serve", "--port", "0", "--data-dir", dataDirectory, "--log-level", "warning"] + arguments
        process.environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("TRADEWATCH_") }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        pipe.fileHandleForReading.readabilityHandler = { [output] handle in
            let data = handle.availableData
            output.bytes.withLock { $0.append(data) }
        }
        try process.run()
    }

    var text: String { output.bytes.withLock { String(decoding: $0, as: UTF8.self) } }

    /// Waits for the "listening on http://HOST:PORT" line and returns the base URL.
    func waitUntilListening(timeout: Duration = .seconds(30)) async throws -> URL {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let range = text.range(of: #"listening on http://[0-9.]+:[0-9]+"#, options: .regularExpression) {
                return URL(string: String(text[range].dropFirst("listening on ".count)))!
            }
            guard process.isRunning else { throw ProcessFailure("tradewatch exited before listening: \(text)") }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw ProcessFailure("tradewatch did not listen within \(timeout): \(text)")
    }

    /// Stops the server with SIGTERM and waits (bounded) for it to exit.
    func stop() async throws {
        kill(process.processIdentifier, SIGTERM)
        let deadline = ContinuousClock.now + .seconds(30)
        while process.isRunning, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
    }

    /// Runs `tradewatch keys create` on the data directory and returns the new key.
    static func createKey(dataDirectory: String, scopes: String) throws -> String {
        let process = Process()
        process.executableURL = executable
        process.arguments = ["keys", "create", "--name", "client-tests", "--scope", scopes, "--quiet", "--data-dir", dataDirectory]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let key = String(decoding: output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard process.terminationStatus == 0, !key.isEmpty else {
            throw ProcessFailure("tradewatch keys create failed with \(process.terminationStatus)")
        }
        return key
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
}

/// The process's output so far, appended from the pipe's handler thread.
final class CollectedOutput: Sendable {
    let bytes = Mutex(Data())
}

struct ProcessFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
