import Foundation
import Synchronization
public import TradewatchStorage

/// Checks presented keys against the operational store, for the server's auth middleware.
///
/// Stored keys are cached for ``cacheLifetime`` (5 s by default), so a busy client costs one
/// HMAC per request and no SQLite read. The cost of the cache is the delay of a revocation made
/// by another process (`tradewatch keys revoke` beside a running server): the server refuses the
/// key at most ``cacheLifetime`` later. A revocation through ``revoke(_:)`` of this instance takes
/// effect at once. Unknown ids are never cached, so guessing cannot grow memory.
///
/// Uses are recorded in memory and written by ``flushUsage()`` (the server calls it once a minute
/// and at shutdown): checking a key never waits for an SQLite write.
public final class APIKeyAuthenticator: Sendable {
    public static let defaultCacheLifetime: Duration = .seconds(5)

    public let registry: APIKeyRegistry
    public let cacheLifetime: Duration
    private let now: @Sendable () -> ContinuousClock.Instant
    private let state = Mutex(State())

    private struct State {
        var cache: [String: CachedKey] = [:]
        /// Bumped by every revocation here, so a lookup that started before it cannot cache
        /// the key as it was.
        var generation = 0
        /// Last use of each key since the last flush.
        var uses: [String: Date] = [:]
    }

    private struct CachedKey {
        let record: ApiKeyRecord
        let fetchedAt: ContinuousClock.Instant
    }

    /// - Parameter now: the clock the cache ages by (tests pass their own).
    public init(
        store: OperationalStore, cacheLifetime: Duration = defaultCacheLifetime,
        now: @escaping @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now }
    ) {
        registry = APIKeyRegistry(store: store)
        self.cacheLifetime = cacheLifetime
        self.now = now
    }

    /// Checks a presented key (`tw_<id>_<secret>`). The secret is compared before anything
    /// else is told, so only the holder of a revoked key learns that it was revoked.
    public func authenticate(_ presented: some StringProtocol) async throws -> APIKeyVerdict {
        guard let token = APIKeyToken(parsing: presented), let record = try await storedKey(id: token.id),
            SecretHash(hash: record.secretHash, salt: record.salt).matches(token.secret)
        else { return .notRecognised }
        guard record.revokedAt == nil else { return .revoked(name: record.name) }
        let key = AuthenticatedKey(id: record.id, name: record.name, scopes: APIKeyInfo(record).scopes)
        state.withLock { $0.uses[record.id] = Date() }
        return .accepted(key)
    }

    /// Revokes a key (by name, else id) and forgets it at once.
    public func revoke(_ nameOrID: String) async throws -> APIKeyInfo {
        let (key, _) = try await registry.revoke(nameOrID)
        state.withLock { state in
            state.cache[key.id] = nil
            state.generation += 1
        }
        return key
    }

    /// Whether any key is not revoked: a server on a public address refuses to start without one.
    public func hasActiveKey() async throws -> Bool {
        try await registry.store.activeAPIKeyCount() > 0
    }

    /// Writes the last-use times gathered since the previous flush, in one transaction.
    ///
    /// - Returns: how many keys were updated. On failure the times are kept for the next flush.
    @discardableResult
    public func flushUsage() async throws -> Int {
        let uses = state.withLock { state in
            defer { state.uses = [:] }
            return state.uses
        }
        do {
            try await registry.store.recordAPIKeyUses(uses)
        } catch {
            state.withLock { state in state.uses.merge(uses) { newer, _ in newer } }
            throw error
        }
        return uses.count
    }

    private func storedKey(id: String) async throws -> ApiKeyRecord? {
        let instant = now()
        let (cached, generation) = state.withLock { state in
            (state.cache[id].flatMap { instant - $0.fetchedAt < cacheLifetime ? $0.record : nil }, state.generation)
        }
        if let cached { return cached }
        guard let record = try await registry.store.apiKey(id: id) else { return nil }
        state.withLock { state in
            if state.generation == generation { state.cache[id] = CachedKey(record: record, fetchedAt: instant) }
        }
        return record
    }
}
