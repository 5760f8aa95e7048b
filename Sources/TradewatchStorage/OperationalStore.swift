import Foundation
public import GRDB

/// Operational state in SQLite: API keys, alerts, retention policies, the archive manifest, and
/// the current state of orders. Production uses a WAL `DatabasePool`; tests may pass an in-memory
/// `DatabaseQueue`. Thread safety: `Sendable`; GRDB serializes writes and runs reads concurrently.
public struct OperationalStore: Sendable {
    /// Internal so that `OperationalStore+Topic.swift` extensions can run their statements.
    let writer: any DatabaseWriter
    /// The file, or `nil` for an in-memory store.
    public let path: String?

    /// Opens (creating if needed) the SQLite file at `path` and migrates it.
    ///
    /// - Throws: ``StoreError`` naming the file when it is not an SQLite database, is damaged,
    ///   or has migrations this build does not know. The file is never rewritten to "repair" it.
    public init(path: String, readOnly: Bool = false) throws {
        var configuration = Configuration()
        configuration.readonly = readOnly
        configuration.busyMode = .timeout(5)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA cache_size = -65536")  // 64 MiB
            if !db.configuration.readonly {
                try db.execute(sql: "PRAGMA synchronous = NORMAL")
            }
        }
        do {
            if readOnly, !FileManager.default.fileExists(atPath: path) {
                throw StoreError("operational database \(path) does not exist")
            }
            try Self.checkNotTruncated(path)
            let pool = try DatabasePool(path: path, configuration: configuration)
            try self.init(writer: pool, path: path, migrate: !readOnly)
        } catch let error as DatabaseError {
            throw StoreError("cannot open operational database \(path): \(error.message ?? "\(error)")")
        }
    }

    /// SQLite opens a truncated file and fails only when a query reaches a missing page, so
    /// compare the file with the size its header records (bytes 16-17: page size, 28-31: pages).
    private static func checkNotTruncated(_ path: String) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else { return }
        defer { try? handle.close() }
        guard let header = try handle.read(upToCount: 100), header.count == 100,
            header.starts(with: Data("SQLite format 3\u{0}".utf8))
        else { return }  // not SQLite at all: SQLite itself says so
        let rawPageSize = Int(header[16]) << 8 | Int(header[17])
        let pageSize = rawPageSize == 1 ? 65_536 : rawPageSize
        let pages = header[28..<32].reduce(0) { $0 << 8 | Int($1) }
        let actual = Int(try handle.seekToEnd())
        guard actual >= pageSize * pages else {
            throw StoreError(
                "operational database \(path) is truncated: its header records \(pages) pages of \(pageSize) bytes but the file has \(actual) bytes; restore it from a backup")
        }
    }

    /// A store over any GRDB writer (an in-memory `DatabaseQueue` in tests).
    public init(writer: any DatabaseWriter, path: String? = nil, migrate: Bool = true) throws {
        self.writer = writer
        self.path = path
        let migrator = Self.migrator
        let (applied, known) = try writer.read { db in
            (try migrator.appliedIdentifiers(db), Set(migrator.migrations))
        }
        let unknown = applied.subtracting(known)
        guard unknown.isEmpty else {
            throw StoreError(
                "operational database \(path ?? "(memory)") has migrations this Tradewatch does not know: \(unknown.sorted().joined(separator: ", ")); upgrade Tradewatch")
        }
        if migrate {
            try migrator.migrate(writer)
        } else if applied != known {
            throw StoreError(
                "operational database \(path ?? "(memory)") is at schema \(applied.count) of \(known.count) migrations")
        }
    }

    /// Identifiers of the migrations applied, oldest first.
    public func appliedMigrations() async throws -> [String] {
        try await writer.read { db in try Self.migrator.appliedMigrations(db) }
    }

    public var latestMigration: String { Self.migrator.migrations.last ?? "" }

    /// SQLite's own consistency check; `["ok"]` when the file is sound.
    public func integrityCheck() async throws -> [String] {
        try await writer.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") }
    }

    /// Proves the database takes writes.
    public func probeWrite() async throws {
        try await writer.write { db in
            try db.execute(sql: "INSERT OR REPLACE INTO probe (id, checked_at) VALUES (1, ?)", arguments: [Date()])
        }
    }

    /// The writer connection's journal mode, synchronous level, page cache and busy timeout.
    public func connectionSettings() async throws -> [String: String] {
        try await writer.write { db in
            var settings: [String: String] = [:]
            for pragma in ["journal_mode", "synchronous", "cache_size", "busy_timeout"] {
                settings[pragma] = try String.fetchOne(db, sql: "PRAGMA \(pragma)")
            }
            return settings
        }
    }

    public func sqliteVersion() async throws -> String {
        try await writer.read { db in try String.fetchOne(db, sql: "SELECT sqlite_version()") ?? "?" }
    }

    /// Inserts the order or replaces its stored state.
    public func upsertOrder(_ order: OrderRecord) async throws {
        try await writer.write { db in try order.upsert(db) }
    }

    public func order(id: String) async throws -> OrderRecord? {
        try await writer.read { db in try OrderRecord.fetchOne(db, key: id) }
    }

    public func orders(strategy: String) async throws -> [OrderRecord] {
        try await writer.read { db in
            try OrderRecord.filter(Column("strategy") == strategy).order(Column("updated_at")).fetchAll(db)
        }
    }

    public func countOrders() async throws -> Int {
        try await writer.read { db in try OrderRecord.fetchCount(db) }
    }

    /// Size of the file with its WAL and shared-memory files, in bytes.
    public var sizeBytes: Int {
        guard let path else { return 0 }
        return [path, path + "-wal", path + "-shm"].reduce(0) { total, file in
            total + ((try? FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? 0)
        }
    }

    /// Checkpoints the WAL into the main file and closes the connections.
    public func close() throws {
        if let pool = writer as? DatabasePool {
            _ = try? pool.writeWithoutTransaction { db in try db.checkpoint(.truncate) }
            try pool.close()
        }
    }
}
