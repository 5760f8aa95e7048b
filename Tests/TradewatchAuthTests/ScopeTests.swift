import Testing
import TradewatchAuth

@Suite struct ScopeTests {
    @Test func parsesListsInAnySpellingAndStoresThemSorted() throws {
        #expect(try Scopes(parsing: "write,read").description == "read,write")
        #expect(try Scopes(parsing: " Admin , read,read").members == [.admin, .read])
        #expect(try Scopes(parsing: "write").members == [.write])
    }

    @Test func refusesUnknownAndEmptyScopesByName() {
        #expect(throws: APIKeyError.invalidScopes("unknown scope \"delete\"; scopes are read, write and admin")) {
            try Scopes(parsing: "read,delete")
        }
        #expect {
            try Scopes(parsing: "read,,write")
        } throws: { error in
            "\(error)".contains("empty entry")
        }
        #expect(throws: APIKeyError.self) { try Scopes(parsing: "") }
    }

    @Test func adminImpliesReadAndWriteButNothingElseImpliesMore() throws {
        let admin = try Scopes(parsing: "admin")
        #expect(Scope.allCases.allSatisfy { admin.grants($0) })
        let reader = try Scopes(parsing: "read")
        #expect(reader.grants(.read) && !reader.grants(.write) && !reader.grants(.admin))
        let both = try Scopes(parsing: "read,write")
        #expect(both.grants(.read) && both.grants(.write) && !both.grants(.admin))
    }
}
