public import Foundation
public import GRDB

/// Rate limits set for one API key (`tradewatch keys limits NAME …`), overriding the server's
/// global ones. `nil` keeps the global value; `0` turns that limit off for the key.
public struct APIKeyRateLimits: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "api_key_rate_limits"
    public var keyID: String
    /// Query requests per second.
    public var queryRate: Double?
    /// Query requests at once beyond the rate (the bucket's size).
    public var queryBurst: Double?
    public var maxConcurrentQueries: Int?
    /// Write requests per second.
    public var writeRate: Double?
    /// Rows written per second.
    public var writeRowsRate: Double?
    public var updatedAt: Date

    public init(
        keyID: String, queryRate: Double? = nil, queryBurst: Double? = nil, maxConcurrentQueries: Int? = nil,
        writeRate: Double? = nil, writeRowsRate: Double? = nil, updatedAt: Date = Date()
    ) {
        self.keyID = keyID
        self.queryRate = queryRate
        self.queryBurst = queryBurst
        self.maxConcurrentQueries = maxConcurrentQueries
        self.writeRate = writeRate
        self.writeRowsRate = writeRowsRate
        self.updatedAt = updatedAt
    }

    /// Whether every value is inherited from the server (the row can go).
    public var isEmpty: Bool {
        queryRate == nil && queryBurst == nil && maxConcurrentQueries == nil && writeRate == nil && writeRowsRate == nil
    }

    enum CodingKeys: String, CodingKey {
        case keyID = "key_id"
        case queryRate = "query_rate"
        case queryBurst = "query_burst"
        case maxConcurrentQueries = "max_concurrent_queries"
        case writeRate = "write_rate"
        case writeRowsRate = "write_rows_rate"
        case updatedAt = "updated_at"
    }
}

/// Per-key rate limits in `api_key_rate_limits`, one row per key that has any.
extension OperationalStore {
    /// The per-key limits of every key that has some.
    public func apiKeyRateLimits() async throws -> [APIKeyRateLimits] {
        try await writer.read { db in try APIKeyRateLimits.fetchAll(db) }
    }

    public func apiKeyRateLimits(keyID: String) async throws -> APIKeyRateLimits? {
        try await writer.read { db in try APIKeyRateLimits.fetchOne(db, key: keyID) }
    }

    /// Stores the key's limits, replacing any before; limits that inherit everything remove the row.
    ///
    /// - Throws: ``StoreError`` when no key has that id.
    public func setAPIKeyRateLimits(_ limits: APIKeyRateLimits) async throws {
        try await writer.write { db in
            guard try ApiKeyRecord.fetchOne(db, key: limits.keyID) != nil else {
                throw StoreError("no API key has the id \(limits.keyID)")
            }
            if limits.isEmpty {
                _ = try APIKeyRateLimits.deleteOne(db, key: limits.keyID)
            } else {
                try limits.upsert(db)
            }
        }
    }
}
