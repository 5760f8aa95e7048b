import ArgumentParser
import Foundation
import TradewatchStorage

/// The `--data-dir` option of the commands that work on operational.sqlite alone (`keys`,
/// `retention`): SQLite in WAL mode lets them run while the server does.
struct OperationalDataDirectory: ParsableArguments {
    @Option(help: "Folder holding operational.sqlite (env: TRADEWATCH_DATA_DIR; default: ./data).")
    var dataDir: String?

    var path: String {
        let directory = EnvironmentDefault().string(dataDir, "TRADEWATCH_DATA_DIR", default: "./data")
        return URL(fileURLWithPath: directory).standardizedFileURL.path
    }

    var databasePath: String { path + "/" + Stores.operationalFileName }

    /// Opens the operational store; `creating` makes the folder and database when missing,
    /// otherwise a missing database gives `nil`.
    func store(creating: Bool) throws -> OperationalStore? {
        if !FileManager.default.fileExists(atPath: databasePath) {
            guard creating else { return nil }
            do {
                try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            } catch {
                throw FatalError("cannot create data directory \(path): \(error.localizedDescription)")
            }
        }
        do {
            return try OperationalStore(path: databasePath)
        } catch let error as StoreError {
            throw FatalError(error.message)
        }
    }
}
