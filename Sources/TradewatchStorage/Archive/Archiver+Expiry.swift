import Foundation
import TradewatchCore

extension Archiver {
    /// Deletes the table's archived days that start before `cutoff`: from the manifest first,
    /// then from the view, then from the disk, so a crash in between leaves at worst a stray
    /// file (removed at the next start), never a view naming a missing file.
    func expire(_ table: AnalyticsTable, before cutoff: Int64) async throws -> [ArchiveRunReport.Partition] {
        let expired = try await operational.archivePartitions(of: table).filter { $0.startNs < cutoff }
        guard !expired.isEmpty else { return [] }
        try await operational.deleteArchivePartitions(ids: expired.compactMap(\.id))
        crashPoint?.strike(at: .expiring)
        try await rebuildViews([table])
        let paths = expired.map { absolutePath($0.path) }
        try await analytics.upkeep { _ in
            let manager = FileManager.default
            for path in paths {
                try? manager.removeItem(atPath: path)
                let folder = (path as NSString).deletingLastPathComponent
                if (try? manager.contentsOfDirectory(atPath: folder))?.isEmpty == true { try? manager.removeItem(atPath: folder) }
            }
        }
        return expired.map(ArchiveRunReport.Partition.init)
    }

    /// Deletes the table's rows older than `cutoff` from DuckDB, unarchived; returns how many.
    func deleteLiveRows(_ table: AnalyticsTable, before cutoff: Int64) async throws -> Int64 {
        let deleted = try await analytics.write { connection in
            try connection.execute("DELETE FROM \(table.rawValue) WHERE ts < make_timestamp_ns(\(cutoff))")
        }
        return Int64(deleted)
    }

    /// Deletes one-minute trade candles older than `cutoff`: their trades are gone for good. On
    /// the upkeep connection, which alone writes the rollup.
    func deleteRollup(before cutoff: Int64) async throws {
        try await analytics.upkeep { connection in
            _ = try connection.execute(
                "DELETE FROM \(AnalyticsStore.tradesRollupName) WHERE bucket < make_timestamp_ns(\(cutoff))")
        }
    }
}
