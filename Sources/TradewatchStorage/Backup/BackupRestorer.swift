import Foundation

/// Restores a backup written by ``BackupWriter`` into a new data directory, offline.
///
/// Every file is checked against `SHA256SUMS` before anything is written; the data directory
/// must be absent or empty, and no file in it is ever overwritten. The restored server
/// recreates the archive views for its own path at start. Blocking: meant for the command line.
public struct BackupRestorer: Sendable {
    /// Files of a backup that are data; the others (`backup.json`, the manifest copy) describe it.
    static func isData(_ path: String) -> Bool {
        path == Stores.analyticsFileName || path == Stores.operationalFileName
            || path.hasPrefix(ArchiveLayout.directoryName + "/")
    }

    public let backupDirectory: String
    /// Called with one line per step, for progress output.
    public let progress: @Sendable (String) -> Void

    public init(backupDirectory: String, progress: @escaping @Sendable (String) -> Void = { _ in }) {
        self.backupDirectory = URL(fileURLWithPath: backupDirectory).standardizedFileURL.path
        self.progress = progress
    }

    /// Checks every file of the backup against its checksum; returns the checksums.
    /// - Throws: ``StoreError`` naming every missing, unlisted or damaged file.
    public func verify() throws -> BackupChecksums {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: backupDirectory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw StoreError("backup folder \(backupDirectory) does not exist")
        }
        let checksums = try BackupChecksums.read(in: backupDirectory)
        for required in [Stores.analyticsFileName, Stores.operationalFileName] where checksums.digests[required] == nil {
            throw StoreError("\(backupDirectory)/\(BackupChecksums.fileName) does not list \(required): this is not a Tradewatch backup")
        }
        let present = Set(BackupChecksums.files(under: backupDirectory)).subtracting([BackupChecksums.fileName])
        var problems = present.subtracting(checksums.digests.keys).sorted().map { "\($0): not listed in \(BackupChecksums.fileName)" }
        let names = checksums.digests.keys.sorted()
        for (index, name) in names.enumerated() {
            let path = backupDirectory + "/" + name
            guard present.contains(name) else {
                problems.append("\(name): missing")
                continue
            }
            let digest = try BackupChecksums.digest(ofFile: path)
            let ok = digest == checksums.digests[name]
            progress("verify [\(index + 1)/\(names.count)] \(name) (\(FileSync.size(path)) bytes): \(ok ? "ok" : "CHECKSUM MISMATCH")")
            if !ok { problems.append("\(name): checksum mismatch (expected \(checksums.digests[name]!), found \(digest))") }
        }
        guard problems.isEmpty else {
            throw StoreError("backup \(backupDirectory) is damaged; nothing was restored:\n  " + problems.joined(separator: "\n  "))
        }
        return checksums
    }

    /// Verifies the backup, then copies its data files into `dataDirectory` (created if
    /// absent; refused unless empty). Returns the files and bytes restored.
    public func restore(into dataDirectory: String) throws -> (files: Int, bytes: Int64) {
        let target = URL(fileURLWithPath: dataDirectory).standardizedFileURL.path
        try checkEmpty(target)
        let checksums = try verify()
        try FileSync.makeDirectory(target)
        let names = checksums.digests.keys.sorted().filter(Self.isData)
        var bytes: Int64 = 0
        for (index, name) in names.enumerated() {
            let destination = target + "/" + name
            try FileSync.makeDirectory((destination as NSString).deletingLastPathComponent)
            try FileSync.copy(backupDirectory + "/" + name, to: destination)  // refuses to overwrite
            bytes += FileSync.size(destination)
            progress("restore [\(index + 1)/\(names.count)] \(name)")
        }
        try FileSync.sync(target)
        return (names.count, bytes)
    }

    private func checkEmpty(_ target: String) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: target, isDirectory: &isDirectory) else { return }
        guard isDirectory.boolValue else { throw StoreError("data directory \(target) is a file") }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: target)) ?? []
        guard names.isEmpty else {
            throw StoreError(
                "data directory \(target) is not empty (it holds \(names.sorted().prefix(5).joined(separator: ", "))\(names.count > 5 ? ", …" : "")); restore refuses to overwrite anything: choose a new or empty folder")
        }
    }
}
