import Crypto
public import Foundation

/// The stored form of a key's secret: HMAC-SHA256 of the secret keyed by a random 32-byte salt.
///
/// A slow password hash is not needed: secrets are 256 random bits, so there is nothing to guess
/// from a stolen hash, and a fast hash keeps verification off the request's critical path. The
/// salt keeps equal secrets (there are none in practice) from having equal hashes.
public struct SecretHash: Sendable, Equatable {
    public let hash: Data
    public let salt: Data

    public init(hash: Data, salt: Data) {
        self.hash = hash
        self.salt = salt
    }

    /// Hashes `secret` with a new random salt.
    public init(secret: String) {
        let salt = APIKeyToken.randomBytes(bits: .bits256)
        self.init(hash: Self.code(secret, salt: salt), salt: salt)
    }

    /// Whether `secret` is the one this hash was made from. The comparison takes the same time
    /// wherever the codes differ (swift-crypto's constant-time check), so response times tell an
    /// attacker nothing about how close a guess was.
    public func matches(_ secret: String) -> Bool {
        HMAC<SHA256>.isValidAuthenticationCode(hash, authenticating: Data(secret.utf8), using: SymmetricKey(data: salt))
    }

    static func code(_ secret: String, salt: Data) -> Data {
        Data(HMAC<SHA256>.authenticationCode(for: Data(secret.utf8), using: SymmetricKey(data: salt)))
    }
}
