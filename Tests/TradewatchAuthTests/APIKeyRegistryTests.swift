import Foundation
import Testing
import TradewatchAuth
import TradewatchStorage
import TradewatchTestSupport

@Suite struct APIKeyRegistryTests {
    @Test func createStoresOnlyASaltedHashOfTheSecret() async throws {
        let folder = try TemporaryDirectory()
        let path = folder.path("operational.sqlite")
        let store = try OperationalStore(path: path)
        let created = try await APIKeyRegistry(store: store).create(name: "ingester", scopes: try Scopes(parsing: "write"))
        #expect(created.info.name == "ingester" && created.info.scopes.description == "write" && !created.info.isRevoked)
        #expect(created.info.id == created.token.id)
        let record = try #require(try await store.apiKey(id: created.token.id))
        #expect(record.scopes == "write")
        #expect(SecretHash(hash: record.secretHash, salt: record.salt).matches(created.token.secret))
        try store.close()
        // Neither the database nor its WAL holds the secret in any form a grep would find.
        for file in [path, path + "-wal"] {
            let bytes = FileManager.default.contents(atPath: file) ?? Data()
            #expect(bytes.range(of: Data(created.token.secret.utf8)) == nil, "\(file) holds the secret")
        }
    }

    @Test func namesAreUniqueAndChecked() async throws {
        let folder = try TemporaryDirectory()
        let store = try OperationalStore(path: folder.path("operational.sqlite"))
        defer { try? store.close() }
        let registry = APIKeyRegistry(store: store)
        let read = try Scopes(parsing: "read")
        _ = try await registry.create(name: "dashboard", scopes: read)
        await #expect {
            _ = try await registry.create(name: "dashboard", scopes: read)
        } throws: { error in
            "\(error)".contains("an API key named \"dashboard\" already exists")
        }
        await #expect(throws: APIKeyError.self) { _ = try await registry.create(name: "", scopes: read) }
        await #expect(throws: APIKeyError.self) { _ = try await registry.create(name: "two words", scopes: read) }
        await #expect(throws: APIKeyError.self) { _ = try await registry.create(name: "bad\nname", scopes: read) }
        await #expect(throws: APIKeyError.self) { _ = try await registry.create(name: "none", scopes: Scopes([])) }
        #expect(try await registry.list().map(\.name) == ["dashboard"])
    }

    @Test func revokeByNameOrIdKeepsTheKeyListedAndTheFirstRevocationTime() async throws {
        let folder = try TemporaryDirectory()
        let store = try OperationalStore(path: folder.path("operational.sqlite"))
        defer { try? store.close() }
        let registry = APIKeyRegistry(store: store)
        let first = try await registry.create(name: "first", scopes: try Scopes(parsing: "read"), at: Date(timeIntervalSince1970: 1_000))
        let second = try await registry.create(name: "second", scopes: try Scopes(parsing: "read,write"), at: Date(timeIntervalSince1970: 2_000))

        let byName = try await registry.revoke("first", at: Date(timeIntervalSince1970: 3_000))
        #expect(byName.key.id == first.info.id && !byName.alreadyRevoked)
        let byID = try await registry.revoke(second.info.id, at: Date(timeIntervalSince1970: 4_000))
        #expect(byID.key.name == "second" && !byID.alreadyRevoked)
        let again = try await registry.revoke("first", at: Date(timeIntervalSince1970: 5_000))
        #expect(again.alreadyRevoked && again.key.revokedAt == Date(timeIntervalSince1970: 3_000))
        await #expect(throws: APIKeyError.unknownKey("third")) { _ = try await registry.revoke("third") }

        let listed = try await registry.list()
        #expect(listed.map(\.name) == ["first", "second"])
        #expect(listed.allSatisfy { $0.isRevoked })
        #expect(try await store.activeAPIKeyCount() == 0)
    }
}
