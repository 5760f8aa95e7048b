public import Foundation
public import TradewatchStorage

/// What may be shown about a key: everything but its secret and hash.
public struct APIKeyInfo: Sendable, Equatable {
    public let id: String
    public let name: String
    public let scopes: Scopes
    public let createdAt: Date
    public let lastUsedAt: Date?
    public let revokedAt: Date?

    public init(_ record: ApiKeyRecord) {
        id = record.id
        name = record.name
        // Stored by this module, so always valid; an edited row loses unknown scopes rather than
        // gaining any.
        scopes = (try? Scopes(parsing: record.scopes)) ?? Scopes([])
        createdAt = record.createdAt
        lastUsedAt = record.lastUsedAt
        revokedAt = record.revokedAt
    }

    public var isRevoked: Bool { revokedAt != nil }
}

/// A key just created: its secret is in `token` and is never available again.
public struct CreatedAPIKey: Sendable {
    public let token: APIKeyToken
    public let info: APIKeyInfo
}

/// The key a request was authenticated with.
public struct AuthenticatedKey: Sendable, Equatable {
    public let id: String
    public let name: String
    public let scopes: Scopes

    public init(id: String, name: String, scopes: Scopes) {
        self.id = id
        self.name = name
        self.scopes = scopes
    }
}

/// The outcome of checking a presented key.
public enum APIKeyVerdict: Sendable, Equatable {
    /// A known, unrevoked key whose secret matches.
    case accepted(AuthenticatedKey)
    /// Malformed, an unknown id, or a secret that does not match: the same answer for all three,
    /// so a guesser learns nothing about which ids exist.
    case notRecognised
    /// The right secret of a revoked key.
    case revoked(name: String)
}
