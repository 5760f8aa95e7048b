extension Database {
    /// How a database file is opened.
    public enum AccessMode: String, Sendable {
        /// Read-write, unless the file can only be read.
        case automatic
        case readOnly = "read_only"
        case readWrite = "read_write"
    }

    /// Options applied when the database is opened. `nil` leaves DuckDB's default.
    public struct Configuration: Sendable {
        /// Worker threads DuckDB uses for one query (DuckDB's default: the number of cores).
        public var threads: Int?
        /// Memory limit, in DuckDB's notation: `"512MB"`, `"2GiB"`, `"80%"`.
        public var memoryLimit: String?
        /// Where DuckDB spills intermediate results that do not fit in memory.
        public var tempDirectory: String?
        public var accessMode: AccessMode
        /// Any other DuckDB setting, by its name (`duckdb_settings()` lists them).
        public var options: [String: String]

        public init(
            threads: Int? = nil,
            memoryLimit: String? = nil,
            tempDirectory: String? = nil,
            accessMode: AccessMode = .automatic,
            options: [String: String] = [:]
        ) {
            self.threads = threads
            self.memoryLimit = memoryLimit
            self.tempDirectory = tempDirectory
            self.accessMode = accessMode
            self.options = options
        }

        /// The settings as DuckDB's name/value pairs, in a stable order.
        var settings: [(name: String, value: String)] {
            var result: [(String, String)] = [("access_mode", accessMode.rawValue)]
            if let threads { result.append(("threads", String(threads))) }
            if let memoryLimit { result.append(("memory_limit", memoryLimit)) }
            if let tempDirectory { result.append(("temp_directory", tempDirectory)) }
            for name in options.keys.sorted() { result.append((name, options[name]!)) }
            return result
        }
    }
}
