import DuckDB
import Foundation
import Testing
import TradewatchTestSupport

/// Every failure names what was wrong, carries DuckDB's message, and leaves data untouched.
@Suite struct ErrorTests {
    @Test func outOfMemoryIsRecognisedAlsoWhenACommitWrapsIt() {
        // The messages DuckDB 2.0 gave for commits refused at its memory limit, seen in load runs.
        let wrapped = [
            "TransactionContext Error: Failed to commit: failed to pin block of size 256.0 KiB (61.1 MiB/61.0 MiB used)",
            "TransactionContext Error: Failed to commit: failed to allocate data of size 512 bytes (61.2 MiB/61.0 MiB used)",
            "TransactionContext Error: Failed to commit: failed to offload data block of size 160.0 KiB (0 bytes/0 bytes used).",
        ]
        for message in wrapped {
            #expect(DuckDBError(operation: .query, kind: .other(code: 29), message: message).isOutOfMemory, "\(message)")
        }
        #expect(DuckDBError(operation: .query, kind: .outOfMemory, message: "anything").isOutOfMemory)
        #expect(!DuckDBError(operation: .query, kind: .constraint, message: "Constraint Error: Duplicate key").isOutOfMemory)
        #expect(!DuckDBError(operation: .query, kind: .io, message: "IO Error: No space left on device").isOutOfMemory)
    }

    @Test func invalidQueryCarriesDuckDBsMessageAndTheSQL() throws {
        let connection = try Database(.memory).connect()
        let sql = "SELEC 1"
        let error = try #require(throws: DuckDBError.self) { try connection.execute(sql) }
        #expect(error.kind == .syntax)
        #expect(error.message.contains("syntax error"))
        #expect(error.sql == sql)
        #expect(error.description.contains("SELEC 1"))

        let missing = try #require(throws: DuckDBError.self) { try connection.query("SELECT * FROM no_such_table") }
        #expect(missing.message.contains("no_such_table"))
        #expect(missing.operation == .prepare)
        #expect(missing.kind == .catalog)
    }

    @Test func runtimeErrorInAStreamedResultIsThrown() throws {
        let connection = try Database(.memory).connect()
        let sql = "SELECT CAST(CASE WHEN i < 5000 THEN '1' ELSE 'x' END AS INTEGER) FROM range(10000) t(i)"
        // DuckDB may detect the failure while starting or while streaming; either way it throws.
        let error = try #require(throws: DuckDBError.self) {
            let result = try connection.query(sql)
            while try result.nextChunk() != nil {}
        }
        #expect(error.message.contains("Could not convert string 'x'"))
        #expect(error.kind == .conversion)
        #expect(error.sql == sql)
        // The connection stays usable.
        #expect(try connection.scalar("SELECT 1 + 1") == .int32(2))
    }

    @Test func readingAColumnAsTheWrongTypeThrows() throws {
        let connection = try Database(.memory).connect()
        let chunk = try #require(try connection.query("SELECT 'text' AS s, 1.5 AS d, 2::BIGINT AS i").nextChunk())
        let error = try #require(throws: DuckDBError.self) { try chunk.column(0, as: Double.self) }
        #expect(error.kind == .typeMismatch)
        #expect(error.message == "column 0 has type VARCHAR, which cannot be read as Double")
        #expect(throws: DuckDBError.self) { try chunk.column(2, as: Int32.self) }  // would narrow
        #expect(throws: DuckDBError.self) { try chunk.column(7, as: Int64.self) }  // no such column
    }

    @Test func bindErrorsNameTheParameter() throws {
        let connection = try Database(.memory).connect()
        let statement = try connection.prepare("SELECT $1::INTEGER + $2::INTEGER")
        let tooMany = try #require(throws: DuckDBError.self) { try statement.bind([1, 2, 3]) }
        #expect(tooMany.message == "the statement has 2 parameter(s) but 3 value(s) were given")
        let outOfRange = try #require(throws: DuckDBError.self) { try statement.bind(.int64(1), at: 3) }
        #expect(outOfRange.message.contains("parameter index 3"))
        try statement.bind([.int64(1), .string("not a number")])
        let conversion = try #require(throws: DuckDBError.self) { try statement.execute() }
        #expect(conversion.message.contains("not a number"))
    }

    @Test func appenderErrorsCarryDuckDBsMessage() throws {
        let connection = try Database(.memory).connect()
        let missing = try #require(throws: DuckDBError.self) { try connection.appender(table: "nope") }
        #expect(missing.message.contains("nope"))

        try connection.execute("CREATE TABLE t (a INTEGER NOT NULL, b VARCHAR)")
        do {
            let appender = try connection.appender(table: "t")
            #expect(appender.columnCount == 2)
            try appender.append(Int32(1))
            let short = try #require(throws: DuckDBError.self) { try appender.endRow() }
            #expect(short.message.contains("column"))
            #expect(short.operation == .append)
        }

        let strict = try connection.appender(table: "t")
        try strict.appendNull()
        try strict.append("x")
        try strict.endRow()
        let constraint = try #require(throws: DuckDBError.self) { try strict.close() }
        #expect(constraint.message.contains("NOT NULL"))
        #expect(try connection.scalar("SELECT count(*) FROM t") == .int64(0))
        #expect(throws: DuckDBError.self) {
            try strict.append(Int32(2))
            try strict.append("y")
            try strict.endRow()
        }
    }

    @Test func missingFolderGivesAClearErrorNamingThePath() throws {
        let path = "/nonexistent-tradewatch-folder/sub/analytics.duckdb"
        let error = try #require(throws: DuckDBError.self) { try Database(path: path) }
        #expect(error.operation == .open)
        #expect(error.kind == .io)
        #expect(error.message.contains(path))
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test func fileThatIsNotADuckDBDatabaseIsRefusedAndLeftUntouched() throws {
        let folder = try TemporaryDirectory()
        let path = folder.path("notes.duckdb")
        let contents = Data(String(repeating: "these are trading notes, not a database\n", count: 200).utf8)
        try contents.write(to: URL(fileURLWithPath: path))

        let error = try #require(throws: DuckDBError.self) { try Database(path: path) }
        #expect(error.message.contains(path))
        #expect(error.message.contains("not a valid DuckDB database"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == contents)
        #expect(!FileManager.default.fileExists(atPath: path + ".wal"))
    }

    @Test func directoryInsteadOfAFileIsRefused() throws {
        let folder = try TemporaryDirectory()
        let error = try #require(throws: DuckDBError.self) { try Database(path: folder.url.path) }
        #expect(error.message.contains(folder.url.path))
    }

    @Test func invalidSettingIsRefusedByName() throws {
        let error = try #require(throws: DuckDBError.self) {
            try Database(.memory, configuration: .init(options: ["no_such_setting": "1"]))
        }
        #expect(error.message.contains("no_such_setting"))
        #expect(throws: DuckDBError.self) { try Database(.memory, configuration: .init(memoryLimit: "lots")) }
    }
}
