import Foundation
import Testing
import TradewatchAuth

@Suite struct SecretHashTests {
    @Test func matchesOnlyTheSecretItWasMadeFrom() {
        let secret = APIKeyToken.generate().secret
        let hash = SecretHash(secret: secret)
        #expect(hash.matches(secret))
        #expect(!hash.matches(APIKeyToken.generate().secret))
        // One character off, at the start or the end, and the empty string.
        let lastChanged = String(secret.dropLast()) + (secret.last == "0" ? "1" : "0")
        let firstChanged = (secret.first == "0" ? "1" : "0") + String(secret.dropFirst())
        #expect(!hash.matches(lastChanged) && !hash.matches(firstChanged) && !hash.matches(""))
    }

    @Test func isSaltedHMACSHA256AndHoldsNothingOfTheSecret() {
        let secret = APIKeyToken.generate().secret
        let first = SecretHash(secret: secret)
        let second = SecretHash(secret: secret)
        #expect(first.hash.count == 32 && first.salt.count == 32)
        // A new salt per key: equal secrets do not give equal hashes.
        #expect(first.salt != second.salt && first.hash != second.hash)
        #expect(first.matches(secret) && second.matches(secret))
        #expect(first.hash.range(of: Data(secret.utf8)) == nil)
    }

    @Test func aHashWithAnotherSaltDoesNotMatch() {
        let secret = APIKeyToken.generate().secret
        let hash = SecretHash(secret: secret)
        let otherSalt = SecretHash(hash: hash.hash, salt: SecretHash(secret: secret).salt)
        #expect(!otherSalt.matches(secret))
        // A truncated stored hash never matches (the comparison does not stop at the shorter length).
        #expect(!SecretHash(hash: hash.hash.prefix(16), salt: hash.salt).matches(secret))
        #expect(!SecretHash(hash: Data(), salt: hash.salt).matches(secret))
    }
}
