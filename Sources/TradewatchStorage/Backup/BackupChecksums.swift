import Crypto
import Foundation

/// The checksum file of a backup, `SHA256SUMS`: one `<sha256 hex>  <relative path>` line per file,
/// as `sha256sum` writes it, so `sha256sum -c SHA256SUMS` checks a backup without Tradewatch.
/// Written last: a backup without it is incomplete.
public struct BackupChecksums: Sendable, Equatable {
    public static let fileName = "SHA256SUMS"

    /// Relative path → lowercase hex SHA-256, sorted by path when written.
    public var digests: [String: String]

    public init(digests: [String: String]) {
        self.digests = digests
    }

    /// The file's text.
    var text: String {
        digests.keys.sorted().map { "\(digests[$0]!)  \($0)\n" }.joined()
    }

    /// Reads `SHA256SUMS` in `directory`.
    /// - Throws: ``StoreError`` naming the line that is malformed or names a path outside the folder.
    public static func read(in directory: String) throws -> BackupChecksums {
        let path = directory + "/" + fileName
        guard let data = FileManager.default.contents(atPath: path) else {
            throw StoreError("\(path) is missing: \(directory) is not a complete Tradewatch backup")
        }
        var digests: [String: String] = [:]
        for (index, line) in String(decoding: data, as: UTF8.self).split(separator: "\n").enumerated() {
            let parts = line.split(separator: " ", maxSplits: 1)
            let digest = parts.first.map(String.init) ?? ""
            let name = parts.count == 2 ? String(parts[1].drop { $0 == " " || $0 == "*" }) : ""
            let isHex = digest.count == 64 && digest.allSatisfy { $0.isHexDigit && !$0.isUppercase }
            let components = name.split(separator: "/")
            guard isHex, !name.isEmpty, !name.hasPrefix("/"), !components.contains(".."), !components.contains(".") else {
                throw StoreError("\(path) line \(index + 1) is not \"<sha256>  <relative path>\": \(line.prefix(120))")
            }
            digests[name] = digest
        }
        return BackupChecksums(digests: digests)
    }

    /// SHA-256 of the file at `path` in lowercase hex, read in 1 MiB pieces; flushes the file to
    /// disk first when `sync` (a backup must be on disk before its checksums claim it is).
    static func digest(ofFile path: String, sync: Bool = false) throws -> String {
        if sync { try FileSync.sync(path) }
        guard let handle = FileHandle(forReadingAtPath: path) else { throw StoreError("cannot read \(path)") }
        defer { try? handle.close() }
        var hasher = SHA256()
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            hasher.update(data: chunk)
        }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }

    /// Every regular file under `directory`, as sorted relative paths.
    static func files(under directory: String) -> [String] {
        let manager = FileManager.default
        guard let walker = manager.enumerator(atPath: directory) else { return [] }
        var files: [String] = []
        while let name = walker.nextObject() as? String {
            var isDirectory: ObjCBool = false
            if manager.fileExists(atPath: directory + "/" + name, isDirectory: &isDirectory), !isDirectory.boolValue {
                files.append(name)
            }
        }
        return files.sorted()
    }
}
