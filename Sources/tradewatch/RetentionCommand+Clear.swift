import ArgumentParser
import TradewatchCore
import TradewatchStorage

extension RetentionCommand {
    /// `tradewatch retention clear TABLE`: the table keeps everything again.
    struct Clear: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove a table's retention policy: it keeps everything from now on (archived days stay readable).")

        @Argument(help: "The table: metrics, trades, quotes, candles, executions, performance or logs.")
        var table: String

        @OptionGroup var dataDirectory: OperationalDataDirectory

        func run() async throws {
            let table: AnalyticsTable
            do {
                table = try RetentionPolicy.table(named: self.table)
            } catch let error as StoreError {
                throw ValidationError(error.message)
            }
            guard let store = try dataDirectory.store(creating: false) else {
                print("\(table.rawValue) had no retention policy (\(dataDirectory.databasePath) does not exist)")
                return
            }
            defer { try? store.close() }
            if try await store.clearRetentionPolicy(table) {
                print("\(table.rawValue): policy removed; its rows are kept for good (archived days stay archived and readable)")
            } else {
                print("\(table.rawValue) had no retention policy")
            }
        }
    }
}
