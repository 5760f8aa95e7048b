import ArgumentParser
import TradewatchStorage

extension RetentionCommand {
    /// `tradewatch retention set TABLE --hot 7d [--archive 365d | forever | 0] [--no-archive]`.
    struct Set: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set a table's retention: --hot 7d --archive 365d.",
            discussion: """
                Durations are a whole number and a unit: s, m, h, d or w (90m, 36h, 7d, 52w). --archive \
                defaults to forever (archived days are never deleted); --archive 0 or --no-archive deletes \
                days past the hot window without archiving them. The archive window counts from the rows' \
                own time and must be longer than the hot window.
                """)

        @Argument(help: "The table: metrics, trades, quotes, candles, executions, performance or logs.")
        var table: String

        @Option(help: "How long rows stay in DuckDB, e.g. 7d.")
        var hot: String

        @Option(help: "How long archived days are kept (counted from the rows' time): a duration, forever, or 0 for no archive.")
        var archive: String?

        @Flag(help: "Delete days past the hot window instead of archiving them (same as --archive 0).")
        var noArchive = false

        @OptionGroup var dataDirectory: OperationalDataDirectory

        func run() async throws {
            let policy: RetentionPolicy
            do {
                policy = try makePolicy()
            } catch let error as StoreError {
                throw ValidationError(error.message)
            }
            guard let store = try dataDirectory.store(creating: true) else { return }
            defer { try? store.close() }
            try await store.setRetentionPolicy(policy)
            print("\(policy.table.rawValue): \(RetentionCommand.describe(policy))")
            print("a running server applies it at its next archive run (or now: POST /api/v1/admin/archive)")
        }

        func makePolicy() throws -> RetentionPolicy {
            let table = try RetentionPolicy.table(named: table)
            let hotSeconds = try RetentionPolicy.seconds(in: hot, for: "--hot")
            let archived: RetentionPolicy.Archive
            switch (archive, noArchive) {
            case (.some(let text), true) where text != "0":
                throw StoreError("--no-archive and --archive \(text) contradict each other: give one")
            case (_, true), (.some("0"), false): archived = .none
            case (nil, false), (.some("forever"), false): archived = .forever
            case (.some(let text), false):
                let seconds = try RetentionPolicy.seconds(in: text, for: "--archive")
                archived = seconds == 0 ? .none : .seconds(seconds)
            }
            return try RetentionPolicy(table: table, hotSeconds: hotSeconds, archive: archived)
        }
    }
}
