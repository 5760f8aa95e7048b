import ArgumentParser
import TradewatchAuth

extension KeysCommand {
    /// `tradewatch keys revoke NAME-or-ID`.
    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoke an API key by name or id; requests with it are refused from then on.")

        @Argument(help: "The key's name or id (see `tradewatch keys list`).")
        var key: String

        @OptionGroup var dataDirectory: OperationalDataDirectory

        func run() async throws {
            guard let registry = try dataDirectory.store(creating: false).map(APIKeyRegistry.init(store:)) else {
                throw APIKeyError.unknownKey(key)
            }
            defer { try? registry.store.close() }
            let (revoked, alreadyRevoked) = try await registry.revoke(key)
            if alreadyRevoked {
                print("API key \"\(revoked.name)\" (id \(revoked.id)) was already revoked at \(KeysCommand.format(revoked.revokedAt))")
            } else {
                print(
                    "Revoked API key \"\(revoked.name)\" (id \(revoked.id)); a running server refuses it within \(APIKeyAuthenticator.defaultCacheLifetime.components.seconds) seconds")
            }
        }
    }
}
