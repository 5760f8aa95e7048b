import Foundation

/// A step of the archiver at which tests make the real process die, as a SIGKILL would, to
/// prove that a restart loses no row and duplicates none (`TRADEWATCH_ARCHIVER_CRASH_AT=<step>`).
public enum ArchiverCrashPoint: String, Sendable, CaseIterable {
    /// The Parquet file is written and verified under its temporary name.
    case exported
    /// The file has its final name; the manifest does not list it yet.
    case renamed
    /// The manifest lists the file as pending; its rows are still in DuckDB.
    case recorded
    /// The rows are deleted from DuckDB; the manifest still says pending.
    case deleted
    /// Expired partitions are gone from the manifest; their files and view entries remain.
    case expiring

    public static let environmentVariable = "TRADEWATCH_ARCHIVER_CRASH_AT"

    /// The crash point named by the environment, if any.
    public static func fromEnvironment() -> ArchiverCrashPoint? {
        ProcessInfo.processInfo.environment[environmentVariable].flatMap(ArchiverCrashPoint.init(rawValue:))
    }

    /// Kills the process at once when `self` is `point`.
    func strike(at point: ArchiverCrashPoint) {
        guard self == point else { return }
        FileHandle.standardError.write(Data("archiver crash test: killing the process at \(point.rawValue)\n".utf8))
        kill(getpid(), SIGKILL)
    }
}
