public import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Synchronization

/// A real `tradewatch` process started by a test, its output collected as it arrives. Shared by
/// every test target that runs the built executable.
public final class ServerProcess: Sendable {
    private let process: Process
    private let output = OutputBuffer()

    /// The built `tradewatch` executable, next to the test bundle.
    public static let executable: URL = {
        let besideTests = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            .appendingPathComponent("tradewatch")
        if FileManager.default.isExecutableFile(atPath: besideTests.path) { return besideTests }
        let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return packageRoot.appendingPathComponent(".build/debug/tradewatch")
    }()

    public init(_ arguments: [String], environment: [String: String] = [:]) throws {
        process = Process()
        process.executableURL = Self.executable
        process.arguments = arguments
        // The system collector stays off unless a test asks for it: its rows and commits would
        // disturb tests that count what they wrote.
        let asked = ["TRADEWATCH_SYSTEM_INTERVAL": "0"].merging(environment) { $1 }
        process.environment = ProcessInfo.processInfo.environment.merging(asked) { $1 }
            .filter { !$0.key.hasPrefix("TRADEWATCH_") || asked[$0.key] != nil }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        out.fileHandleForReading.readabilityHandler = { [output] handle in
            let data = handle.availableData
            output.state.withLock { $0.stdout.append(data) }
        }
        err.fileHandleForReading.readabilityHandler = { [output] handle in
            let data = handle.availableData
            output.state.withLock { $0.stderr.append(data) }
        }
        try process.run()
        Launched.add(process.processIdentifier)
    }

    public var standardOutput: String { output.state.withLock { String(decoding: $0.stdout, as: UTF8.self) } }
    public var standardError: String { output.state.withLock { String(decoding: $0.stderr, as: UTF8.self) } }
    public var pid: Int32 { process.processIdentifier }

    /// Waits for the "listening on http://HOST:PORT" line and returns the base URL.
    public func waitUntilListening(timeout: Duration = .seconds(20)) async throws -> URL {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let text = standardOutput
            if let range = text.range(of: #"listening on (http://[0-9.]+:[0-9]+)"#, options: .regularExpression) {
                let match = String(text[range]).replacingOccurrences(of: "listening on ", with: "")
                return URL(string: match)!
            }
            if !process.isRunning {
                throw ServerProcessError("server exited with \(process.terminationStatus) before listening: \(standardError)")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw ServerProcessError("server did not report listening within \(timeout); output: \(standardOutput) \(standardError)")
    }

    /// Waits for the process to end and returns its exit status.
    public func waitForExit(timeout: Duration = .seconds(30)) async throws -> Int32 {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning {
            guard ContinuousClock.now < deadline else {
                process.interrupt()
                throw ServerProcessError("process \(pid) still running after \(timeout)")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        try await Task.sleep(for: .milliseconds(100))  // let the pipes drain
        return process.terminationStatus
    }

    /// Runs `tradewatch serve` on `dataDirectory` until it listens, then stops it with SIGTERM:
    /// a real, cleanly closed data directory for tests to damage.
    public static func createDataDirectory(_ dataDirectory: String) async throws {
        let server = try ServerProcess(["serve", "--port", "0", "--data-dir", dataDirectory])
        _ = try await server.waitUntilListening()
        server.signal(SIGTERM)
        let status = try await server.waitForExit()
        guard status == 0 else { throw ServerProcessError("serve exited with \(status): \(server.standardError)") }
    }

    /// Runs `tradewatch ARGUMENTS` (a command such as `keys create`) to its end and returns its
    /// exit status and output.
    public static func run(
        _ arguments: [String], timeout: Duration = .seconds(30)
    ) async throws -> (status: Int32, output: String, errors: String) {
        let process = try ServerProcess(arguments)
        let status = try await process.waitForExit(timeout: timeout)
        return (status, process.standardOutput, process.standardError)
    }

    /// Creates an API key with `tradewatch keys create --quiet` and returns its secret.
    public static func createKey(name: String, scopes: String, dataDirectory: String) async throws -> String {
        let result = try await run(
            ["keys", "create", "--name", name, "--scope", scopes, "--quiet", "--data-dir", dataDirectory])
        let key = result.output.trimmingCharacters(in: .whitespacesAndNewlines)
        guard result.status == 0, key.hasPrefix("tw_") else {
            throw ServerProcessError("keys create \(name) failed with \(result.status): \(result.errors)")
        }
        return key
    }

    public func signal(_ signal: Int32) {
        kill(process.processIdentifier, signal)
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        Launched.remove(process.processIdentifier)
    }
}

/// Every server a test started and has not released yet. When the test process exits, whatever
/// is still running is killed: a test that stops its server with SIGTERM and returns at once, or
/// one that fails midway, would otherwise leave the server running after the suite (it did, on
/// the 2-core box, for 20 minutes, skewing every benchmark run after it).
private enum Launched {
    static let pids = Mutex<Set<Int32>>([])
    private static let registered = Mutex(false)

    static func add(_ pid: Int32) {
        pids.withLock { _ = $0.insert(pid) }
        let first = registered.withLock { registered in
            defer { registered = true }
            return !registered
        }
        if first { atexit { Launched.killAll() } }
    }

    static func remove(_ pid: Int32) {
        pids.withLock { _ = $0.remove(pid) }
    }

    /// Kills each one still this process's child (a pid that ended may have been reused).
    static func killAll() {
        let me = getpid()
        for pid in pids.withLock({ $0 }) where parent(of: pid) == me { kill(pid, SIGKILL) }
    }

    /// The parent of `pid`, from the fourth field of /proc/PID/stat.
    private static func parent(of pid: Int32) -> Int32? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return nil }
        return stat[stat.index(after: close)...].split(separator: " ").dropFirst().first.flatMap { Int32($0) }
    }
}

final class OutputBuffer: Sendable {
    let state = Mutex((stdout: Data(), stderr: Data()))
}

public struct ServerProcessError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// A plain HTTP GET, returning the status and the body.
public func get(_ url: URL) async throws -> (status: Int, body: Data) {
    let (data, response) = try await URLSession.shared.data(from: url)
    return ((response as? HTTPURLResponse)?.statusCode ?? 0, data)
}
