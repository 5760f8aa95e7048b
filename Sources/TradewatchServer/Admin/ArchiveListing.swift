import TradewatchStorage

/// The answer of `GET /api/v1/admin/archive`: retention policies and archived partitions.
struct ArchiveListing: Encodable {
    struct Policy: Encodable {
        let table: String
        /// `7d`, `36h`…
        let hot: String
        /// A duration, `forever`, or `none` (deleted past the hot window).
        let archive: String
        let updatedAt: String

        enum CodingKeys: String, CodingKey {
            case table, hot, archive
            case updatedAt = "updated_at"
        }
    }

    struct Partition: Encodable {
        let table: String
        let day: String
        let path: String
        let part: Int
        let rows: Int64
        let bytes: Int64
        let state: String
    }

    let policies: [Policy]
    let partitions: [Partition]

    init(stores: Stores) async throws {
        policies = try await stores.operational.retentionPolicies().map { policy in
            let archive = switch policy.archive {
            case .none: "none"
            case .forever: "forever"
            case .seconds(let seconds): RetentionPolicy.format(seconds: seconds)
            }
            return Policy(
                table: policy.table.rawValue, hot: RetentionPolicy.format(seconds: policy.hotSeconds), archive: archive,
                updatedAt: policy.updatedAt.ISO8601Format())
        }
        partitions = try await stores.operational.archivePartitions().map { entry in
            Partition(
                table: entry.tableName, day: ArchiveLayout.dayName(entry.startNs), path: entry.path, part: entry.part,
                rows: entry.rowCount, bytes: entry.sizeBytes, state: entry.state.rawValue)
        }
    }
}
