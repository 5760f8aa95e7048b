public import Foundation
public import TradewatchStorage

/// Creates, lists and revokes keys in the operational store. `tradewatch keys` uses it directly
/// (SQLite's WAL lets it run beside a server); a server revokes through its
/// ``APIKeyAuthenticator`` instead so the revocation takes effect at once.
public struct APIKeyRegistry: Sendable {
    public let store: OperationalStore

    public init(store: OperationalStore) {
        self.store = store
    }

    /// Makes a key with a new random secret and stores its salted hash.
    ///
    /// - Throws: ``APIKeyError/invalidName(_:)`` for an unusable name, or ``StoreError`` when the
    ///   name is taken.
    public func create(name: String, scopes: Scopes, at date: Date = Date()) async throws -> CreatedAPIKey {
        try Self.validate(name: name)
        guard !scopes.members.isEmpty else {
            throw APIKeyError.invalidScopes("a key needs at least one scope: read, write or admin")
        }
        let token = APIKeyToken.generate()
        let hash = SecretHash(secret: token.secret)
        let record = ApiKeyRecord(
            id: token.id, name: name, secretHash: hash.hash, salt: hash.salt, scopes: scopes.description, createdAt: date)
        try await store.insertAPIKey(record)
        return CreatedAPIKey(token: token, info: APIKeyInfo(record))
    }

    /// Every key, revoked ones included, oldest first.
    public func list() async throws -> [APIKeyInfo] {
        try await store.apiKeys().map(APIKeyInfo.init)
    }

    /// Revokes the key with this name (else this id).
    ///
    /// - Returns: the key afterwards, and whether it had been revoked before.
    /// - Throws: ``APIKeyError/unknownKey(_:)`` when no key matches.
    public func revoke(_ nameOrID: String, at date: Date = Date()) async throws -> (key: APIKeyInfo, alreadyRevoked: Bool) {
        guard let record = try await store.revokeAPIKey(nameOrID: nameOrID, at: date) else {
            throw APIKeyError.unknownKey(nameOrID)
        }
        return (APIKeyInfo(record), record.revokedAt != date)
    }

    /// Names appear in logs and tables: 1 to 64 letters, digits and `-_.@`.
    static func validate(name: String) throws(APIKeyError) {
        guard (1...64).contains(name.utf8.count) else {
            throw .invalidName("a key name has 1 to 64 characters; \"\(name)\" has \(name.utf8.count)")
        }
        let allowed = name.utf8.allSatisfy { byte in
            (48...57).contains(byte) || (65...90).contains(byte) || (97...122).contains(byte)
                || [45, 95, 46, 64].contains(byte)
        }
        guard allowed else {
            throw .invalidName("key name \"\(name)\" may hold only letters, digits and - _ . @")
        }
    }
}
