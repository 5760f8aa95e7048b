public import Foundation
public import GRDB

/// An API key: only a salted hash of its secret is stored.
public struct ApiKeyRecord: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "api_keys"
    public var id: String
    public var name: String
    public var secretHash: Data
    public var salt: Data
    /// Comma-separated scopes: `read`, `write`, `admin`.
    public var scopes: String
    public var createdAt: Date
    public var lastUsedAt: Date?
    public var revokedAt: Date?

    public init(
        id: String, name: String, secretHash: Data, salt: Data, scopes: String,
        createdAt: Date = Date(), lastUsedAt: Date? = nil, revokedAt: Date? = nil
    ) {
        self.id = id
        self.name = name
        self.secretHash = secretHash
        self.salt = salt
        self.scopes = scopes
        self.createdAt = createdAt
        self.lastUsedAt = lastUsedAt
        self.revokedAt = revokedAt
    }

    enum CodingKeys: String, CodingKey {
        case id, name, scopes, salt
        case secretHash = "secret_hash"
        case createdAt = "created_at"
        case lastUsedAt = "last_used_at"
        case revokedAt = "revoked_at"
    }
}

/// A condition on a metric that raises an alert.
public struct AlertRuleRecord: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "alert_rules"
    public var id: Int64?
    public var name: String
    /// The condition, e.g. `p99(order.latency_us) > 5000 for 1m`.
    public var expression: String
    public var enabled: Bool
    public var createdAt: Date

    public init(id: Int64? = nil, name: String, expression: String, enabled: Bool = true, createdAt: Date = Date()) {
        self.id = id
        self.name = name
        self.expression = expression
        self.enabled = enabled
        self.createdAt = createdAt
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    enum CodingKeys: String, CodingKey {
        case id, name, expression, enabled
        case createdAt = "created_at"
    }
}

/// One firing (or resolution) of an alert rule.
public struct AlertEventRecord: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "alert_events"
    public var id: Int64?
    public var ruleId: Int64
    /// `firing` or `resolved`.
    public var state: String
    public var value: Double?
    public var message: String
    public var at: Date

    public init(id: Int64? = nil, ruleId: Int64, state: String, value: Double?, message: String, at: Date = Date()) {
        self.id = id
        self.ruleId = ruleId
        self.state = state
        self.value = value
        self.message = message
        self.at = at
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    enum CodingKeys: String, CodingKey {
        case id, state, value, message, at
        case ruleId = "rule_id"
    }
}

/// How long rows of one analytics table are kept before they are archived or deleted.
public struct RetentionPolicyRecord: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "retention_policies"
    public var tableName: String
    public var keepSeconds: Int64
    /// Archive to Parquet before deleting.
    public var archive: Bool
    public var updatedAt: Date

    public init(tableName: String, keepSeconds: Int64, archive: Bool, updatedAt: Date = Date()) {
        self.tableName = tableName
        self.keepSeconds = keepSeconds
        self.archive = archive
        self.updatedAt = updatedAt
    }

    enum CodingKeys: String, CodingKey {
        case archive
        case tableName = "table_name"
        case keepSeconds = "keep_seconds"
        case updatedAt = "updated_at"
    }
}

/// One Parquet file of archived rows: the archive manifest.
public struct ArchivePartitionRecord: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "archive_partitions"
    public var id: Int64?
    public var tableName: String
    public var path: String
    public var startNs: Int64
    public var endNs: Int64
    public var rowCount: Int64
    public var sizeBytes: Int64
    public var createdAt: Date

    public init(
        id: Int64? = nil, tableName: String, path: String, startNs: Int64, endNs: Int64, rowCount: Int64,
        sizeBytes: Int64, createdAt: Date = Date()
    ) {
        self.id = id
        self.tableName = tableName
        self.path = path
        self.startNs = startNs
        self.endNs = endNs
        self.rowCount = rowCount
        self.sizeBytes = sizeBytes
        self.createdAt = createdAt
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    enum CodingKeys: String, CodingKey {
        case id, path
        case tableName = "table_name"
        case startNs = "start_ns"
        case endNs = "end_ns"
        case rowCount = "row_count"
        case sizeBytes = "size_bytes"
        case createdAt = "created_at"
    }
}

/// The current state of one order, replaced as the order changes.
public struct OrderRecord: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "orders"
    public var orderId: String
    public var strategy: String?
    public var symbol: String
    public var side: String
    public var quantity: Double
    public var filledQuantity: Double
    public var limitPrice: Double?
    public var averageFillPrice: Double?
    /// `new`, `partially_filled`, `filled`, `cancelled`, `rejected`.
    public var status: String
    public var correlationId: String?
    public var updatedAt: Date

    public init(
        orderId: String, strategy: String? = nil, symbol: String, side: String, quantity: Double,
        filledQuantity: Double = 0, limitPrice: Double? = nil, averageFillPrice: Double? = nil, status: String,
        correlationId: String? = nil, updatedAt: Date = Date()
    ) {
        self.orderId = orderId
        self.strategy = strategy
        self.symbol = symbol
        self.side = side
        self.quantity = quantity
        self.filledQuantity = filledQuantity
        self.limitPrice = limitPrice
        self.averageFillPrice = averageFillPrice
        self.status = status
        self.correlationId = correlationId
        self.updatedAt = updatedAt
    }

    enum CodingKeys: String, CodingKey {
        case strategy, symbol, side, quantity, status
        case orderId = "order_id"
        case filledQuantity = "filled_quantity"
        case limitPrice = "limit_price"
        case averageFillPrice = "average_fill_price"
        case correlationId = "correlation_id"
        case updatedAt = "updated_at"
    }
}
