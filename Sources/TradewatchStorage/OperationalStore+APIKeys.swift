public import Foundation
import GRDB

/// API keys in the `api_keys` table. Only salted hashes of secrets are stored; `TradewatchAuth`
/// makes and checks them. A key is never deleted: revoking it stamps `revoked_at`, so the list
/// keeps who had access and when.
extension OperationalStore {
    /// Stores a new key.
    ///
    /// - Throws: ``StoreError`` naming the name when a key of that name already exists (revoked
    ///   or not: names identify keys in logs, so they are not reused).
    public func insertAPIKey(_ key: ApiKeyRecord) async throws {
        do {
            try await writer.write { db in try key.insert(db) }
        } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT {
            let nameTaken = try await apiKey(named: key.name) != nil
            throw StoreError(
                nameTaken
                    ? "an API key named \"\(key.name)\" already exists; choose another name (see `tradewatch keys list`)"
                    : "an API key with id \(key.id) already exists")
        }
    }

    /// Every key, revoked ones included, oldest first.
    public func apiKeys() async throws -> [ApiKeyRecord] {
        try await writer.read { db in
            try ApiKeyRecord.order(Column("created_at"), Column("name")).fetchAll(db)
        }
    }

    public func apiKey(id: String) async throws -> ApiKeyRecord? {
        try await writer.read { db in try ApiKeyRecord.fetchOne(db, key: id) }
    }

    public func apiKey(named name: String) async throws -> ApiKeyRecord? {
        try await writer.read { db in try ApiKeyRecord.filter(Column("name") == name).fetchOne(db) }
    }

    /// Keys that are not revoked: a server on a public address needs at least one.
    public func activeAPIKeyCount() async throws -> Int {
        try await writer.read { db in try ApiKeyRecord.filter(Column("revoked_at") == nil).fetchCount(db) }
    }

    /// Revokes the key with this name, else the key with this id, and returns it as stored
    /// afterwards; `nil` when no key matches. Revoking a revoked key keeps its first `revoked_at`.
    public func revokeAPIKey(nameOrID: String, at date: Date = Date()) async throws -> ApiKeyRecord? {
        try await writer.write { db in
            guard
                var key = try ApiKeyRecord.filter(Column("name") == nameOrID).fetchOne(db)
                    ?? ApiKeyRecord.fetchOne(db, key: nameOrID)
            else { return nil }
            if key.revokedAt == nil {
                key.revokedAt = date
                try key.update(db, columns: ["revoked_at"])
            }
            return key
        }
    }

    /// Records when keys were last used, in one transaction: `uses` maps key ids to times. A
    /// stored time later than the one given is kept (uses may be flushed out of order).
    public func recordAPIKeyUses(_ uses: [String: Date]) async throws {
        guard !uses.isEmpty else { return }
        try await writer.write { db in
            let statement = try db.makeStatement(
                sql: "UPDATE api_keys SET last_used_at = ? WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)")
            for (id, date) in uses {
                try statement.execute(arguments: [date, id, date])
            }
        }
    }
}
