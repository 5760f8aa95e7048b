import Foundation

/// Durable file operations for the archive and backups: a rename is only trusted once the file
/// and its folder reached the disk. Blocking: call them off Swift's cooperative pool.
enum FileSync {
    /// Flushes the file or folder at `path` to disk.
    static func sync(_ path: String) throws {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { throw StoreError("cannot open \(path) to flush it: \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw StoreError("cannot flush \(path) to disk: \(String(cString: strerror(errno)))") }
    }

    /// Renames `source` to `destination` (same file system) and flushes the folder.
    static func rename(_ source: String, to destination: String) throws {
        guard Foundation.rename(source, destination) == 0 else {
            throw StoreError("cannot rename \(source) to \(destination): \(String(cString: strerror(errno)))")
        }
        try sync((destination as NSString).deletingLastPathComponent)
    }

    /// Makes `destination` hold the bytes of `source`: a hard link when both are on one file
    /// system (instant, no extra space; archive files never change), a flushed copy otherwise.
    static func linkOrCopy(_ source: String, to destination: String) throws {
        if link(source, destination) == 0 { return }
        try copy(source, to: destination)
    }

    /// Copies `source` to a new file `destination` (never overwriting one) and flushes it.
    static func copy(_ source: String, to destination: String) throws {
        do {
            try FileManager.default.copyItem(atPath: source, toPath: destination)
        } catch {
            throw StoreError("cannot copy \(source) to \(destination): \((error as NSError).localizedDescription)")
        }
        try sync(destination)
    }

    /// Creates `path` and its missing parents.
    static func makeDirectory(_ path: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw StoreError("cannot create folder \(path): \((error as NSError).localizedDescription)")
        }
    }

    static func size(_ path: String) -> Int64 {
        ((try? FileManager.default.attributesOfItem(atPath: path)[.size]) as? NSNumber)?.int64Value ?? 0
    }

    static func exists(_ path: String) -> Bool {
        FileManager.default.fileExists(atPath: path)
    }
}
