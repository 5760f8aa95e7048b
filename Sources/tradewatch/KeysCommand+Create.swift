import ArgumentParser
import TradewatchAuth

extension KeysCommand {
    /// `tradewatch keys create --name NAME --scope read,write`: prints the new key once.
    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create an API key and print its secret (shown only this once).")

        @Option(help: "A unique name for the key, e.g. the process or person using it (letters, digits, - _ . @).")
        var name: String

        @Option(help: "Comma-separated scopes: read, write, admin (admin implies read and write).")
        var scope: String

        @Flag(help: "Print only the key, for scripts.")
        var quiet = false

        @OptionGroup var dataDirectory: OperationalDataDirectory

        func run() async throws {
            // Checked before the database is touched.
            let scopes = try Scopes(parsing: scope)
            guard let registry = try dataDirectory.store(creating: true).map(APIKeyRegistry.init(store:)) else { return }
            defer { try? registry.store.close() }
            let created = try await registry.create(name: name, scopes: scopes)
            if quiet {
                print(created.token.text)
                return
            }
            print("Created API key \"\(created.info.name)\" (id \(created.info.id), scopes \(created.info.scopes)) in \(dataDirectory.databasePath).")
            print("This is the only time its secret is shown; it cannot be shown again. Store it now:")
            print("")
            print("    \(created.token.text)")
            print("")
            print("Send it as `Authorization: Bearer <key>` (InfluxDB clients: `Token <key>`, or the password of 1.x).")
        }
    }
}
