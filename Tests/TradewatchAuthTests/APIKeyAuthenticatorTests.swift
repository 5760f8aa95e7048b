import Foundation
import Synchronization
import Testing
import TradewatchAuth
import TradewatchStorage
import TradewatchTestSupport

/// A clock the test moves by hand, for the key cache's lifetime.
private final class ManualInstant: Sendable {
    private let offset = Mutex(Duration.zero)
    private let start = ContinuousClock.now
    var now: ContinuousClock.Instant { start + offset.withLock { $0 } }
    func advance(by duration: Duration) { offset.withLock { $0 += duration } }
}

@Suite struct APIKeyAuthenticatorTests {
    private func setUp() throws -> (TemporaryDirectory, OperationalStore) {
        let folder = try TemporaryDirectory()
        return (folder, try OperationalStore(path: folder.path("operational.sqlite")))
    }

    @Test func acceptsTheRightSecretWithTheKeysScopes() async throws {
        let (_, store) = try setUp()
        defer { try? store.close() }
        let authenticator = APIKeyAuthenticator(store: store)
        let created = try await authenticator.registry.create(name: "writer", scopes: try Scopes(parsing: "write,read"))
        let verdict = try await authenticator.authenticate(created.token.text)
        #expect(verdict == .accepted(AuthenticatedKey(id: created.info.id, name: "writer", scopes: created.info.scopes)))
    }

    @Test func wrongSecretsUnknownIdsAndGarbageAreAllJustNotRecognised() async throws {
        let (_, store) = try setUp()
        defer { try? store.close() }
        let authenticator = APIKeyAuthenticator(store: store)
        let created = try await authenticator.registry.create(name: "k", scopes: try Scopes(parsing: "read"))
        let otherSecret = "tw_\(created.token.id)_\(APIKeyToken.generate().secret)"
        let unknownID = APIKeyToken.generate().text
        for presented in [otherSecret, unknownID, "hunter2", "", "Bearer " + created.token.text] {
            #expect(try await authenticator.authenticate(presented) == .notRecognised, "\(presented)")
        }
        // Still accepted after the failures (the cached key was not poisoned).
        #expect(try await authenticator.authenticate(created.token.text) != .notRecognised)
    }

    @Test func revokingThroughTheAuthenticatorTakesEffectAtOnce() async throws {
        let (_, store) = try setUp()
        defer { try? store.close() }
        let authenticator = APIKeyAuthenticator(store: store, cacheLifetime: .seconds(3600))
        let created = try await authenticator.registry.create(name: "gone", scopes: try Scopes(parsing: "read"))
        #expect(try await authenticator.authenticate(created.token.text) != .notRecognised)  // now cached
        _ = try await authenticator.revoke("gone")
        #expect(try await authenticator.authenticate(created.token.text) == .revoked(name: "gone"))
        // Only the holder of the secret learns that the key was revoked.
        #expect(try await authenticator.authenticate("tw_\(created.token.id)_\(APIKeyToken.generate().secret)") == .notRecognised)
    }

    @Test func aRevocationByAnotherProcessTakesEffectWhenTheCachedKeyExpires() async throws {
        let (folder, store) = try setUp()
        defer { try? store.close() }
        let clock = ManualInstant()
        let authenticator = APIKeyAuthenticator(store: store, cacheLifetime: .seconds(5), now: { clock.now })
        let created = try await authenticator.registry.create(name: "shared", scopes: try Scopes(parsing: "write"))
        #expect(try await authenticator.authenticate(created.token.text) != .notRecognised)

        // `tradewatch keys revoke` opens the same file separately.
        let otherProcess = try OperationalStore(path: folder.path("operational.sqlite"))
        _ = try await APIKeyRegistry(store: otherProcess).revoke("shared")
        try otherProcess.close()

        clock.advance(by: .seconds(4))
        #expect(try await authenticator.authenticate(created.token.text) != .revoked(name: "shared"))
        clock.advance(by: .seconds(2))
        #expect(try await authenticator.authenticate(created.token.text) == .revoked(name: "shared"))
    }

    @Test func usesAreRecordedOnlyWhenFlushedAndNeverMoveBackwards() async throws {
        let (_, store) = try setUp()
        defer { try? store.close() }
        let authenticator = APIKeyAuthenticator(store: store)
        let used = try await authenticator.registry.create(name: "used", scopes: try Scopes(parsing: "read"))
        let idle = try await authenticator.registry.create(name: "idle", scopes: try Scopes(parsing: "read"))
        let before = Date()
        for _ in 0..<3 { _ = try await authenticator.authenticate(used.token.text) }
        // Checking keys wrote nothing yet.
        #expect(try await store.apiKey(id: used.info.id)?.lastUsedAt == nil)

        #expect(try await authenticator.flushUsage() == 1)
        let recorded = try #require(try await store.apiKey(id: used.info.id)?.lastUsedAt)
        #expect(recorded >= before.addingTimeInterval(-1) && recorded <= Date().addingTimeInterval(1))
        #expect(try await store.apiKey(id: idle.info.id)?.lastUsedAt == nil)
        #expect(try await authenticator.flushUsage() == 0)

        try await store.recordAPIKeyUses([used.info.id: Date(timeIntervalSince1970: 0)])
        #expect(try await store.apiKey(id: used.info.id)?.lastUsedAt == recorded)
    }

    @Test func hasActiveKeyFollowsCreationAndRevocation() async throws {
        let (_, store) = try setUp()
        defer { try? store.close() }
        let authenticator = APIKeyAuthenticator(store: store)
        #expect(try await !authenticator.hasActiveKey())
        _ = try await authenticator.registry.create(name: "only", scopes: try Scopes(parsing: "admin"))
        #expect(try await authenticator.hasActiveKey())
        _ = try await authenticator.revoke("only")
        #expect(try await !authenticator.hasActiveKey())
    }
}
