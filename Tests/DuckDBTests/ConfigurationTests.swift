import DuckDB
import Foundation
import Testing
import TradewatchTestSupport

@Suite struct ConfigurationTests {
    @Test func settingsAreAppliedWhenTheDatabaseOpens() throws {
        let folder = try TemporaryDirectory()
        let spill = folder.path("spill")
        let database = try Database(
            path: folder.path("configured.duckdb"),
            configuration: .init(threads: 3, memoryLimit: "256MB", tempDirectory: spill))
        let connection = try database.connect()
        #expect(try connection.scalar("SELECT current_setting('threads')") == .int64(3))
        #expect(try connection.scalar("SELECT current_setting('temp_directory')") == .string(spill))
        guard case .string(let limit) = try connection.scalar("SELECT current_setting('memory_limit')") else {
            Issue.record("memory_limit is not a string")
            return
        }
        #expect(limit.hasPrefix("244.1 MiB") || limit.hasPrefix("256"))
    }

    @Test func readOnlyDatabaseRefusesWritesAndKeepsData() throws {
        let folder = try TemporaryDirectory()
        let path = folder.path("readonly.duckdb")
        do {
            let connection = try Database(path: path).connect()
            try connection.execute("CREATE TABLE t AS SELECT 1 AS v")
        }
        let connection = try Database(path: path, configuration: .init(accessMode: .readOnly)).connect()
        #expect(try connection.scalar("SELECT v FROM t") == .int32(1))
        let error = try #require(throws: DuckDBError.self) { try connection.execute("INSERT INTO t VALUES (2)") }
        #expect(error.message.contains("read-only"))
        #expect(try connection.scalar("SELECT count(*) FROM t") == .int64(1))
    }

    @Test func libraryVersionIsTheFetchedRelease() {
        #expect(Database.libraryVersion.hasPrefix("v2.0"))
    }
}
