import Foundation
import Testing
import TradewatchTestSupport

/// Each unusable environment ends `serve` with one message naming the file or port, a non-zero
/// exit, and every file as it was.
@Suite(.serialized, .timeLimit(.minutes(3))) struct BadEnvironmentTests {
    func failedStart(_ arguments: [String]) async throws -> (status: Int32, message: String) {
        let server = try ServerProcess(arguments)
        let status = try await server.waitForExit()
        return (status, server.standardError)
    }

    @Test func portAlreadyInUse() async throws {
        let folder = try TemporaryDirectory()
        let first = try ServerProcess(["serve", "--port", "0", "--data-dir", folder.path("a")])
        let base = try await first.waitUntilListening()
        let port = try #require(base.port)
        let before = snapshot(folder.path("b"))

        let (status, message) = try await failedStart(["serve", "--port", "\(port)", "--data-dir", folder.path("b")])
        #expect(status != 0)
        #expect(message.contains("port \(port) on 127.0.0.1 is already in use"))
        #expect(before.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: folder.path("b")), "a start that cannot listen created the data directory")
        #expect(try await get(base.appendingPathComponent("health")).status == 200)  // the first is unharmed
        first.signal(SIGTERM)
        #expect(try await first.waitForExit() == 0)
    }

    @Test func dataDirectoryAlreadyServedByAnotherProcess() async throws {
        let folder = try TemporaryDirectory()
        let data = folder.path("data")
        let first = try ServerProcess(["serve", "--port", "0", "--data-dir", data])
        let base = try await first.waitUntilListening()

        let (status, message) = try await failedStart(["serve", "--port", "0", "--data-dir", data])
        #expect(status != 0)
        #expect(message.contains("analytics database \(data)/analytics.duckdb is in use by another process"))
        #expect(try await get(base.appendingPathComponent("ready")).status == 200)
        first.signal(SIGTERM)
        #expect(try await first.waitForExit() == 0)
    }

    @Test func dataDirectoryThatIsAFile() async throws {
        let folder = try TemporaryDirectory()
        let path = folder.path("not-a-dir")
        _ = FileManager.default.createFile(atPath: path, contents: Data("notes".utf8))
        let (status, message) = try await failedStart(["serve", "--port", "0", "--data-dir", path])
        #expect(status != 0)
        #expect(message.contains("data directory \(path) is a file, not a directory"))
        #expect(FileManager.default.contents(atPath: path) == Data("notes".utf8))
    }

    @Test func dataDirectoryThatCannotBeCreated() async throws {
        // Not even root can create folders under /proc.
        let path = "/proc/tradewatch-test-\(getpid())/data"
        let (status, message) = try await failedStart(["serve", "--port", "0", "--data-dir", path])
        #expect(status != 0)
        #expect(message.contains("cannot create data directory \(path)"))
    }

    @Test func dataDirectoryThatCannotBeWritten() async throws {
        // An existing directory where not even root may create files.
        let path = "/proc/self/fdinfo"
        let (status, message) = try await failedStart(["serve", "--port", "0", "--data-dir", path])
        #expect(status != 0)
        #expect(message.contains("data directory \(path) is not writable"))
    }

    @Test func analyticsFileThatIsNotADuckDBDatabase() async throws {
        let folder = try TemporaryDirectory()
        let junk = Data(repeating: 0x5A, count: 64 * 1024)
        _ = FileManager.default.createFile(atPath: folder.path("analytics.duckdb"), contents: junk)
        let before = snapshot(folder.path)
        let (status, message) = try await failedStart(["serve", "--port", "0", "--data-dir", folder.path])
        #expect(status != 0)
        #expect(message.contains("cannot open analytics database \(folder.path)/analytics.duckdb"))
        #expect(message.contains("not a valid DuckDB database"))
        #expect(snapshot(folder.path) == before)
    }

    @Test func operationalFileThatIsNotSQLite() async throws {
        let folder = try TemporaryDirectory()
        let data = folder.path("data")
        // A real data directory first, then the SQLite file replaced by something else.
        try await ServerProcess.createDataDirectory(data)
        for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: data + "/operational.sqlite" + suffix) }
        _ = FileManager.default.createFile(atPath: data + "/operational.sqlite", contents: Data("id,name\n1,a\n".utf8))
        let before = snapshot(data)

        let (status, message) = try await failedStart(["serve", "--port", "0", "--data-dir", data])
        #expect(status != 0)
        #expect(message.contains("cannot open operational database \(data)/operational.sqlite"))
        #expect(snapshot(data) == before)
    }

    @Test func truncatedAnalyticsFile() async throws {
        let folder = try TemporaryDirectory()
        let data = folder.path("data")
        try await ServerProcess.createDataDirectory(data)
        let file = data + "/analytics.duckdb"
        let whole = try #require(FileManager.default.contents(atPath: file))
        _ = FileManager.default.createFile(atPath: file, contents: whole.prefix(whole.count - 4096))
        let before = snapshot(data)

        let (status, message) = try await failedStart(["serve", "--port", "0", "--data-dir", data])
        #expect(status != 0)
        #expect(message.contains(file))
        #expect(message.contains("truncated") || message.contains("Could not read enough bytes"))
        #expect(snapshot(data) == before)
    }
}
