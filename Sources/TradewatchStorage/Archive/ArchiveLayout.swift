import Foundation
public import TradewatchCore

/// Where archived rows live in a data directory, and the UTC days they are cut into.
///
/// `archive/<table>/date=YYYY-MM-DD/part-N.parquet`, Hive-style, so the files can be read by
/// any Parquet tool as one dataset; `part-N` numbers the exports of one day (rows that arrive
/// late for an archived day go to the next part). Paths in the manifest are relative to the
/// data directory, so a restored copy works wherever it is put.
public enum ArchiveLayout {
    public static let directoryName = "archive"
    /// Where a backup's DuckDB copy is written before it is moved to the backup folder: DuckDB
    /// may only write files inside the folders it was opened with.
    public static let stagingDirectoryName = "backup-staging"
    public static let nanosecondsPerDay: Int64 = 86_400_000_000_000

    /// The folders DuckDB may read and write files in, beside the database file at `path`.
    static func allowedDirectories(besideDatabase path: String) -> [String] {
        let directory = URL(fileURLWithPath: path).standardizedFileURL.deletingLastPathComponent().path
        return [directoryName, stagingDirectoryName].map { "\(directory)/\($0)/" }
    }

    /// Start (ns) of the UTC day holding `nanoseconds`.
    public static func dayStart(of nanoseconds: Int64) -> Int64 {
        let (quotient, remainder) = nanoseconds.quotientAndRemainder(dividingBy: nanosecondsPerDay)
        return (remainder < 0 ? quotient - 1 : quotient) * nanosecondsPerDay
    }

    /// `YYYY-MM-DD` of the day starting at `dayStart`.
    public static func dayName(_ dayStart: Int64) -> String {
        String(RFC3339.format(nanoseconds: dayStart).prefix(10))
    }

    /// The partition's file, relative to the data directory.
    public static func relativePath(table: AnalyticsTable, dayStart: Int64, part: Int) -> String {
        "\(directoryName)/\(table.rawValue)/date=\(dayName(dayStart))/part-\(part).parquet"
    }
}
