import Foundation
public import Logging

/// Both stores of a data directory: `analytics.duckdb` and `operational.sqlite`.
public struct Stores: Sendable {
    public let dataDirectory: String
    public let analytics: AnalyticsStore
    public let operational: OperationalStore

    public static let analyticsFileName = "analytics.duckdb"
    public static let operationalFileName = "operational.sqlite"

    /// Opens both stores, creating the directory and the databases as needed.
    ///
    /// - Throws: ``StoreError`` with one clear message naming the directory or file at fault.
    public init(dataDirectory: String, analyticsConfiguration: AnalyticsStore.Configuration = .init()) throws {
        let directory = URL(fileURLWithPath: dataDirectory).standardizedFileURL.path
        try Self.prepareDirectory(directory, readOnly: analyticsConfiguration.readOnly)
        var configuration = analyticsConfiguration
        if configuration.tempDirectory == nil, !configuration.readOnly {
            configuration.tempDirectory = directory + "/tmp"
        }
        let analyticsPath = directory + "/" + Self.analyticsFileName
        let operationalPath = directory + "/" + Self.operationalFileName
        if configuration.readOnly {
            for path in [analyticsPath, operationalPath] where !FileManager.default.fileExists(atPath: path) {
                throw StoreError("\(path) does not exist: \(directory) holds no Tradewatch data")
            }
        }
        let analytics = try AnalyticsStore(path: analyticsPath, configuration: configuration)
        do {
            operational = try OperationalStore(path: operationalPath, readOnly: configuration.readOnly)
        } catch {
            analytics.close()
            throw error
        }
        self.dataDirectory = directory
        self.analytics = analytics
    }

    private static func prepareDirectory(_ directory: String, readOnly: Bool) throws {
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        if manager.fileExists(atPath: directory, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else {
                throw StoreError("data directory \(directory) is a file, not a directory")
            }
        } else if readOnly {
            throw StoreError("data directory \(directory) does not exist")
        } else {
            do {
                try manager.createDirectory(atPath: directory, withIntermediateDirectories: true)
            } catch {
                throw StoreError("cannot create data directory \(directory): \(Self.reason(error))")
            }
        }
        guard !readOnly else { return }
        // Prove the directory takes new files before opening databases in it.
        let probe = directory + "/.tradewatch-write-test-\(getpid())"
        guard manager.createFile(atPath: probe, contents: Data()) else {
            throw StoreError("data directory \(directory) is not writable (cannot create files in it)")
        }
        try? manager.removeItem(atPath: probe)
    }

    private static func reason(_ error: any Error) -> String {
        (error as NSError).userInfo[NSUnderlyingErrorKey].map { "\($0)" } ?? (error as NSError).localizedDescription
    }

    /// Final checkpoint of both stores, then closes them. Errors are logged, not thrown: this
    /// runs during shutdown.
    public func close(logger: Logger) async {
        do {
            try await analytics.checkpoint()
        } catch {
            logger.error("final checkpoint of the analytics database failed", metadata: ["error": "\(error)"])
        }
        analytics.close()
        do {
            try operational.close()
        } catch {
            logger.error("closing the operational database failed", metadata: ["error": "\(error)"])
        }
        logger.info("stores checkpointed and closed", metadata: ["data_dir": "\(dataDirectory)"])
    }
}
