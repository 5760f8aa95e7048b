public import Foundation
public import GRDB

/// One Parquet file of archived rows, as the manifest (`archive_partitions`) records it.
///
/// An entry is written `pending` once its file is complete and verified, and turns `complete`
/// once its rows have left DuckDB; only complete entries are read by queries. After a crash,
/// a pending entry is finished or undone by comparing DuckDB's rows with it (``Archiver``).
public struct ArchiveManifestEntry: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "archive_partitions"

    public enum State: String, Codable, Sendable {
        case pending, complete
    }

    public var id: Int64?
    public var tableName: String
    /// Relative to the data directory: `archive/<table>/date=YYYY-MM-DD/part-N.parquet`.
    public var path: String
    /// The UTC day the rows belong to: `[startNs, endNs)`.
    public var startNs: Int64
    public var endNs: Int64
    public var part: Int
    /// The file holds the day's rows with a commit sequence up to this one (NULL counted as 0).
    public var maxCommitSeq: Int64
    public var rowCount: Int64
    /// `sum(hash(every column))` of the rows, as DuckDB computes it, in decimal.
    public var checksum: String
    public var sizeBytes: Int64
    public var state: State
    public var createdAt: Date

    public init(
        tableName: String, path: String, startNs: Int64, endNs: Int64, part: Int, maxCommitSeq: Int64,
        rowCount: Int64, checksum: String, sizeBytes: Int64, state: State = .pending, createdAt: Date = Date()
    ) {
        self.tableName = tableName
        self.path = path
        self.startNs = startNs
        self.endNs = endNs
        self.part = part
        self.maxCommitSeq = maxCommitSeq
        self.rowCount = rowCount
        self.checksum = checksum
        self.sizeBytes = sizeBytes
        self.state = state
        self.createdAt = createdAt
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    enum CodingKeys: String, CodingKey {
        case id, path, part, checksum, state
        case tableName = "table_name"
        case startNs = "start_ns"
        case endNs = "end_ns"
        case maxCommitSeq = "max_commit_seq"
        case rowCount = "row_count"
        case sizeBytes = "size_bytes"
        case createdAt = "created_at"
    }
}
