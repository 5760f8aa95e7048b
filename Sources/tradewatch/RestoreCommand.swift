import ArgumentParser
import Foundation
import TradewatchStorage

/// `tradewatch restore DIR --data-dir …`: a backup into a new data directory.
struct RestoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Restore a backup into an empty or absent data directory.",
        discussion: """
            Checks every file of the backup against SHA256SUMS first and restores nothing if one is \
            missing, unlisted or damaged. The data directory must be absent or empty: nothing is ever \
            overwritten. Then start the server on it: it answers the same queries with the same results.
            """)

    @Argument(help: "The backup folder written by `tradewatch backup`.")
    var directory: String

    @Option(help: "The data directory to create (absent or empty).")
    var dataDir: String

    func run() async throws {
        let restorer = BackupRestorer(backupDirectory: directory, progress: { say($0) })
        let target = URL(fileURLWithPath: dataDir).standardizedFileURL.path
        let restored: (files: Int, bytes: Int64)
        do {
            restored = try restorer.restore(into: target)
        } catch let error as StoreError {
            throw FatalError(error.message)
        }
        say("restored \(restored.files) files (\(restored.bytes) bytes) from \(restorer.backupDirectory) into \(target)")
        let summaryPath = restorer.backupDirectory + "/" + BackupWriter.summaryFileName
        if let data = FileManager.default.contents(atPath: summaryPath),
            let summary = try? JSONDecoder().decode(BackupSummary.self, from: data)
        {
            say("  backup of \(summary.createdAt): last commit \(summary.lastCommit)")
            say("  rows: " + summary.tableRows.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
            say("  archive: \(summary.archivePartitions) partitions, \(summary.archivedRows) rows")
        }
        say("start it with: tradewatch serve --data-dir \(target)")
    }
}
