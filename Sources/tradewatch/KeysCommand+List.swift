import ArgumentParser
import TradewatchAuth

extension KeysCommand {
    /// `tradewatch keys list`: every key with its scopes and dates, never a secret.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List API keys: name, id, scopes, created, last used, revoked.")

        @OptionGroup var dataDirectory: OperationalDataDirectory

        func run() async throws {
            guard let registry = try dataDirectory.store(creating: false).map(APIKeyRegistry.init(store:)) else {
                print("no API keys: \(dataDirectory.databasePath) does not exist")
                return
            }
            defer { try? registry.store.close() }
            let keys = try await registry.list()
            guard !keys.isEmpty else {
                print("no API keys in \(dataDirectory.databasePath); create one with `tradewatch keys create`")
                return
            }
            let header = ["NAME", "ID", "SCOPES", "CREATED", "LAST USED", "REVOKED"]
            let rows = keys.map { key in
                [
                    key.name, key.id, key.scopes.description, KeysCommand.format(key.createdAt),
                    KeysCommand.format(key.lastUsedAt), KeysCommand.format(key.revokedAt),
                ]
            }
            let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
            for row in [header] + rows {
                let cells = row.enumerated().map { column, cell in
                    column == row.count - 1 ? cell : cell.padding(toLength: widths[column], withPad: " ", startingAt: 0)
                }
                print(cells.joined(separator: "  "))
            }
        }
    }
}
