import Foundation

extension AnalyticsStore {
    /// How the analytics database is opened. Defaults suit a server on a small machine.
    public struct Configuration: Sendable {
        /// DuckDB worker threads per query. Default (`nil`): the number of cores.
        public var threads: Int
        /// DuckDB's memory limit (`"512MB"`, `"2GB"`). The default keeps the whole process well
        /// inside 1 GiB.
        public var memoryLimit: String
        /// Read connections (and threads serving them). Default: the number of cores.
        public var readConnections: Int
        /// Where DuckDB spills what does not fit in memory. Default: `tmp/` under the data directory.
        public var tempDirectory: String?
        /// Open read-only (for `tradewatch check`): no migration, no writes.
        public var readOnly: Bool
        /// Write-ahead log size that makes DuckDB checkpoint on its own (DuckDB's default is
        /// 16MB). Larger means fewer checkpoints inline with commits, a longer replay after a
        /// crash; the periodic checkpoint bounds it in time as well.
        public var walAutocheckpoint: String
        /// Most bytes of the database file's blocks DuckDB keeps in memory after a checkpoint
        /// (see ``AnalyticsStore/trimBlockCache(_:)``); `nil` leaves them to the memory limit.
        public var blockCacheBytes: Int?

        public init(
            threads: Int? = nil,
            memoryLimit: String = "512MB",
            readConnections: Int? = nil,
            tempDirectory: String? = nil,
            readOnly: Bool = false,
            walAutocheckpoint: String = "128MB",
            blockCacheBytes: Int? = 8 << 20
        ) {
            self.blockCacheBytes = blockCacheBytes
            self.walAutocheckpoint = walAutocheckpoint
            self.threads = threads ?? ProcessInfo.processInfo.activeProcessorCount
            self.memoryLimit = memoryLimit
            self.readConnections = readConnections ?? ProcessInfo.processInfo.activeProcessorCount
            self.tempDirectory = tempDirectory
            self.readOnly = readOnly
        }
    }
}
