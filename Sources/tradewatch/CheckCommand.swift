import ArgumentParser
import DuckDB
import Foundation

/// `tradewatch check`: proves the embedded DuckDB works where the server will keep its data.
struct CheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Open the analytics database in the data directory, write and read it back, and report."
    )

    @Option(name: .long, help: "Folder for Tradewatch's databases (env: TRADEWATCH_DATA_DIR).")
    var dataDir: String = ProcessInfo.processInfo.environment["TRADEWATCH_DATA_DIR"] ?? "./data"

    func run() async throws {
        try FileManager.default.createDirectory(atPath: dataDir, withIntermediateDirectories: true)
        let path = URL(fileURLWithPath: dataDir).appendingPathComponent("check.duckdb").path
        print("DuckDB \(Database.libraryVersion); database \(path)")

        let pool = BlockingThreadPool(name: "check", threads: 1)
        defer { pool.shutdown() }
        let database = try Database(path: path)
        let connection = try database.connect()
        let rows = 100_000
        let started = ContinuousClock.now
        let (count, sum) = try await connection.run(on: pool) { connection in
            try connection.execute("CREATE OR REPLACE TABLE check_rows (ts TIMESTAMP, value DOUBLE)")
            let appender = try connection.appender(table: "check_rows")
            for index in 0..<rows {
                try appender.append(Timestamp(microsecondsSinceEpoch: Int64(index)))
                try appender.append(Double(index))
                try appender.endRow()
            }
            try appender.close()
            let result = try connection.query("SELECT count(*), sum(value) FROM check_rows")
            guard let chunk = try result.nextChunk() else { throw ValidationError("the check query returned no rows") }
            return (try chunk.column(0, as: Int64.self)[0] ?? 0, try chunk.column(1, as: Double.self)[0] ?? 0)
        }
        let expectedSum = Double(rows - 1) * Double(rows) / 2
        guard count == rows, sum == expectedSum else {
            throw ValidationError("read back \(count) rows summing to \(sum); expected \(rows) rows summing to \(expectedSum)")
        }
        print("wrote and read back \(count) rows in \(ContinuousClock.now - started): OK")
    }
}
