import DuckDB
import Foundation
import Logging
import Testing
import TradewatchTestSupport
import TradewatchCore
import TradewatchStorage

@Suite(.serialized, .timeLimit(.minutes(3))) struct ServeLifecycleTests {
    struct Ready: Decodable {
        struct Analytics: Decodable {
            let engine: String
            let version: String
            let schemaVersion: Int?
            let writable: Bool
            let sizeBytes: Int
        }

        struct Operational: Decodable {
            let engine: String
            let migrations: [String]?
            let writable: Bool
        }

        let status: String
        let dataDirectory: String
        let analytics: Analytics
        let operational: Operational
    }

    @Test func servesHealthAndReadyThenStopsCleanlyOnSIGTERMKeepingData() async throws {
        let folder = try TemporaryDirectory()
        let dataDirectory = folder.path("data")  // does not exist yet: serve creates it

        let server = try ServerProcess(["serve", "--port", "0", "--data-dir", dataDirectory])
        let base = try await server.waitUntilListening()
        #expect(base.host == "127.0.0.1")
        #expect(server.standardOutput.contains("data in \(dataDirectory)"))

        let health = try await get(base.appendingPathComponent("health"))
        #expect(health.status == 200)
        #expect(String(decoding: health.body, as: UTF8.self) == #"{"status":"ok"}"#)

        let readyResponse = try await get(base.appendingPathComponent("ready"))
        #expect(readyResponse.status == 200)
        let ready = try JSONDecoder().decode(Ready.self, from: readyResponse.body)
        #expect(ready.status == "ready")
        #expect(ready.dataDirectory == dataDirectory)
        #expect(ready.analytics.engine == "duckdb" && ready.analytics.version.hasPrefix("v2.0"))
        #expect(ready.analytics.schemaVersion == AnalyticsStore.latestSchemaVersion)
        #expect(ready.analytics.writable && ready.analytics.sizeBytes > 0)
        #expect(ready.operational.engine == "sqlite" && ready.operational.writable)
        #expect(ready.operational.migrations?.first == "v1 operational tables")

        server.signal(SIGTERM)
        #expect(try await server.waitForExit() == 0)
        #expect(server.standardOutput.contains("Tradewatch stopped"))
        // The final checkpoint folded DuckDB's write-ahead log into the file.
        let wal = (try? FileManager.default.attributesOfItem(atPath: dataDirectory + "/analytics.duckdb.wal")[.size] as? Int) ?? 0
        #expect(wal == 0)

        // Data written while stopped survives a server run and a restart.
        do {
            let stores = try Stores(dataDirectory: dataDirectory)
            try await stores.analytics.upsertCandles([Candle(
                timestampNanoseconds: 1_767_225_600_000_000_000, symbol: "AAPL", interval: "1m",
                open: 1, high: 2, low: 0.5, close: 1.5, volume: 100)])
            try await stores.operational.upsertOrder(OrderRecord(orderId: "o-1", symbol: "AAPL", side: "buy", quantity: 5, status: "filled"))
            await stores.close(logger: .init(label: "test"))
        }
        let restarted = try ServerProcess(["serve", "--port", "0", "--data-dir", dataDirectory])
        let again = try await restarted.waitUntilListening()
        #expect(try await get(again.appendingPathComponent("ready")).status == 200)
        restarted.signal(SIGINT)
        #expect(try await restarted.waitForExit() == 0)

        let stores = try Stores(dataDirectory: dataDirectory)
        #expect(try await stores.analytics.candles(symbol: "AAPL", interval: "1m").map(\.close) == [1.5])
        #expect(try await stores.operational.order(id: "o-1")?.status == "filled")
        await stores.close(logger: .init(label: "test"))
    }

    @Test func environmentVariablesConfigureTheServer() async throws {
        let folder = try TemporaryDirectory()
        let server = try ServerProcess(["serve"], environment: [
            "TRADEWATCH_PORT": "0", "TRADEWATCH_DATA_DIR": folder.path("env-data"), "TRADEWATCH_HOST": "127.0.0.1",
        ])
        let base = try await server.waitUntilListening()
        #expect(try await get(base.appendingPathComponent("health")).status == 200)
        #expect(FileManager.default.fileExists(atPath: folder.path("env-data/analytics.duckdb")))
        server.signal(SIGTERM)
        #expect(try await server.waitForExit() == 0)

        let bad = try ServerProcess(["serve"], environment: ["TRADEWATCH_PORT": "eighty", "TRADEWATCH_DATA_DIR": folder.path("x")])
        #expect(try await bad.waitForExit() != 0)
        #expect(bad.standardError.contains("TRADEWATCH_PORT=eighty is not a whole number"))

        // Out of range: named as given, the option or the variable; nothing is created.
        let option = try ServerProcess(["serve", "--checkpoint-wal-mb=-5", "--data-dir", folder.path("y")])
        #expect(try await option.waitForExit() != 0)
        #expect(option.standardError.contains("--checkpoint-wal-mb -5 is outside 0...100000"), "\(option.standardError)")
        let variable = try ServerProcess(["serve"], environment: ["TRADEWATCH_LIVE_MAX_FPS": "0", "TRADEWATCH_DATA_DIR": folder.path("y")])
        #expect(try await variable.waitForExit() != 0)
        #expect(variable.standardError.contains("TRADEWATCH_LIVE_MAX_FPS=0 is outside 1...1000"), "\(variable.standardError)")
        #expect(!FileManager.default.fileExists(atPath: folder.path("y")))
    }

    @Test func checkVerifiesAStoppedDataDirectory() async throws {
        let folder = try TemporaryDirectory()
        let dataDirectory = folder.path("data")
        try await ServerProcess.createDataDirectory(dataDirectory)

        let before = snapshot(dataDirectory)
        let check = try ServerProcess(["check", "--data-dir", dataDirectory])
        #expect(try await check.waitForExit() == 0, "\(check.standardError)")
        #expect(check.standardOutput.contains("schema version \(AnalyticsStore.latestSchemaVersion)"))
        #expect(check.standardOutput.contains("integrity_check: ok"))
        #expect(check.standardOutput.contains("check passed"))
        #expect(snapshot(dataDirectory).keys == before.keys)

        let missing = try ServerProcess(["check", "--data-dir", folder.path("nothing-here")])
        #expect(try await missing.waitForExit() != 0)
        #expect(missing.standardError.contains("does not exist"))
    }

    @Test func checkReadsEveryArchivedFileAndNamesOneThatDoesNotMatchTheManifest() async throws {
        let folder = try TemporaryDirectory()
        let file: String
        do {
            // Released at the end of the block: DuckDB's file lock goes with the last reference.
            let stores = try await LiveReplayArchiveTests.archivedStores(folder)
            file = (stores.dataDirectory as NSString).appendingPathComponent(
                try #require(try await stores.operational.archivePartitions().first).path)
            await stores.close(logger: Logger(label: "test"))
        }

        let passed = try ServerProcess(["check", "--data-dir", folder.path("data")])
        #expect(try await passed.waitForExit() == 0, "\(passed.standardError)")
        #expect(passed.standardOutput.contains("archive    1 files, 3 rows in the manifest: 1 verified"), "\(passed.standardOutput)")
        #expect(passed.standardOutput.contains("check passed"))

        // A valid file that lost a row: the count and the checksum no longer match.
        let scratch = try Database(.memory)
        let fewer = file + ".fewer"
        try scratch.connect().execute(
            "COPY (SELECT * FROM read_parquet('\(file)') ORDER BY ts LIMIT 2) TO '\(fewer)' (FORMAT parquet)")
        try FileManager.default.removeItem(atPath: file)
        try FileManager.default.moveItem(atPath: fewer, toPath: file)
        let changed = try ServerProcess(["check", "--data-dir", folder.path("data")])
        #expect(try await changed.waitForExit() != 0)
        #expect(changed.standardOutput.contains("part-0.parquet: holds 2 rows with checksum"), "\(changed.standardOutput)")
        #expect(changed.standardOutput.contains("the manifest recorded 3 rows"), "\(changed.standardOutput)")

        // Half a file: unreadable, named, and the check fails.
        let bytes = try Data(contentsOf: URL(fileURLWithPath: file))
        try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: file))
        let truncated = try ServerProcess(["check", "--data-dir", folder.path("data")])
        #expect(try await truncated.waitForExit() != 0)
        #expect(truncated.standardOutput.contains("archive/trades/date=2026-01-01/part-0.parquet: cannot be read"), "\(truncated.standardOutput)")
        #expect(truncated.standardError.contains("archive check failed: 1 of 1 files do not match the manifest"), "\(truncated.standardError)")

        try FileManager.default.removeItem(atPath: file)
        let gone = try ServerProcess(["check", "--data-dir", folder.path("data")])
        #expect(try await gone.waitForExit() != 0)
        #expect(gone.standardOutput.contains("part-0.parquet: missing"), "\(gone.standardOutput)")
    }
}
