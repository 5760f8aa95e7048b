import ArgumentParser
import TradewatchCore
import TradewatchStorage

extension RetentionCommand {
    /// `tradewatch retention list`: every table and how long it keeps its rows.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the retention policies of every table.")

        @OptionGroup var dataDirectory: OperationalDataDirectory

        func run() async throws {
            guard let store = try dataDirectory.store(creating: false) else {
                print("no retention policies: \(dataDirectory.databasePath) does not exist (every table keeps everything)")
                return
            }
            defer { try? store.close() }
            let policies = Dictionary(uniqueKeysWithValues: try await store.retentionPolicies().map { ($0.table, $0) })
            let partitions = try await store.archivePartitions()
            for table in AnalyticsTable.allCases {
                let archived = partitions.filter { $0.tableName == table.rawValue }
                let files = archived.isEmpty
                    ? "" : "; \(archived.count) archived partitions, \(archived.reduce(0) { $0 + $1.rowCount }) rows"
                let rule = policies[table].map(RetentionCommand.describe) ?? "keep everything (no policy)"
                print("\(table.rawValue.padding(toLength: 12, withPad: " ", startingAt: 0)) \(rule)\(files)")
            }
        }
    }
}
