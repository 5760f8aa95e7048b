internal import CDuckDB
import Synchronization

/// An open DuckDB database: a file, or memory only.
///
/// Thread safety: a `Database` may be shared freely between threads and tasks; DuckDB guards it.
/// Opening a file twice in one process yields the same underlying instance (DuckDB's instance
/// cache), so the file is never written by two instances; a second process cannot open it for
/// writing. Make as many ``Connection``s as needed.
public final class Database: @unchecked Sendable {
    /// Where the database lives.
    public enum Location: Sendable, Equatable {
        case memory
        case file(String)
    }

    public let location: Location
    let handle: duckdb_database

    /// Opens (creating if needed) a database.
    ///
    /// - Throws: ``DuckDBError`` naming the path and DuckDB's reason: a folder that does not
    ///   exist, a file that is not a DuckDB database (left untouched), a file locked by another
    ///   process, an invalid setting.
    public init(_ location: Location, configuration: Configuration = Configuration()) throws {
        self.location = location
        self.handle = try InstanceCache.openAndClose.withLock { _ in
            try Self.open(location, configuration: configuration)
        }
    }

    /// Creates the configuration and opens; called under ``InstanceCache/openAndClose``.
    private static func open(_ location: Location, configuration: Configuration) throws -> duckdb_database {
        var config: duckdb_config?
        guard duckdb_create_config(&config) == DuckDBSuccess, let config else {
            throw DuckDBError(operation: .configure, kind: .outOfMemory, message: "could not create a configuration")
        }
        var ownedConfig: duckdb_config? = config
        defer { duckdb_destroy_config(&ownedConfig) }
        for (name, value) in configuration.settings where duckdb_set_config(config, name, value) != DuckDBSuccess {
            throw DuckDBError(
                operation: .configure, kind: .invalidArgument,
                message: "invalid setting \(name)=\(value): DuckDB has no such option or refuses the value")
        }

        let path: String? = switch location {
        case .memory: nil
        case .file(let path): path
        }
        var database: duckdb_database?
        var error: UnsafeMutablePointer<CChar>?
        // Files go through the process-wide instance cache: opening a file that is already open
        // in this process shares its instance instead of starting a second one on the same file.
        let state = if let path {
            duckdb_get_or_create_from_cache(InstanceCache.shared.handle, path, &database, config, &error)
        } else {
            duckdb_open_ext(nil, &database, config, &error)
        }
        defer { if let error { duckdb_free(error) } }
        guard state == DuckDBSuccess, let database else {
            if database != nil { duckdb_close(&database) }
            var failure = DuckDBError.fromC(.open, error)
            failure.message = "cannot open \(path.map { "database file \($0)" } ?? "in-memory database"): \(failure.message)"
            throw failure
        }
        return database
    }

    /// Opens a database file at `path`.
    public convenience init(path: String, configuration: Configuration = Configuration()) throws {
        try self.init(.file(path), configuration: configuration)
    }

    deinit {
        var database: duckdb_database? = handle
        InstanceCache.openAndClose.withLock { _ in duckdb_close(&database) }
    }

    /// Makes a new connection. Connections are independent: each has its own transaction.
    public func connect() throws -> Connection {
        try Connection(database: self)
    }

    /// The version of the DuckDB library in use, such as `v2.0.1`.
    public static var libraryVersion: String { String(cString: duckdb_library_version()) }
}

/// DuckDB's process-wide cache of open database files; lives as long as the process.
final class InstanceCache: @unchecked Sendable {
    static let shared = InstanceCache()
    /// Configuring, opening, connecting and closing one at a time: these touch DuckDB's
    /// process-wide state (the instance cache, built-in extension registration, option tables),
    /// and rare crashes showed in tests that open many databases in parallel.
    static let openAndClose = Mutex(())
    let handle: duckdb_instance_cache

    private init() {
        handle = duckdb_create_instance_cache()
    }
}
