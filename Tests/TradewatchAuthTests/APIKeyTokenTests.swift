import Foundation
import Testing
import TradewatchAuth

@Suite struct APIKeyTokenTests {
    @Test func generatedKeysHaveTheDocumentedFormAndParseBack() throws {
        let token = APIKeyToken.generate()
        #expect(token.text.range(of: #"^tw_[0-9a-f]{16}_[0-9a-f]{64}$"#, options: .regularExpression) != nil, "\(token.text)")
        let parsed = try #require(APIKeyToken(parsing: token.text))
        #expect(parsed == token)
        #expect(parsed.id.count == 16 && parsed.secret.count == 64)
    }

    @Test func generatedKeysDoNotRepeat() {
        let tokens = (0..<200).map { _ in APIKeyToken.generate() }
        #expect(Set(tokens.map(\.id)).count == 200)
        #expect(Set(tokens.map(\.secret)).count == 200)
    }

    @Test func malformedKeysAreNotParsed() {
        let good = APIKeyToken.generate().text
        let bad = [
            "", "tw_", String(good.dropLast()), good + "0", good.uppercased(), "xx" + good.dropFirst(2),
            good.replacingOccurrences(of: "_", with: "-"), String(good.prefix(19)) + "a" + good.dropFirst(20),
            "tw_0123456789abcdeg_" + String(repeating: "a", count: 64),
            "tw_0123456789abcdef_" + String(repeating: "a", count: 63) + "z",
        ]
        for text in bad { #expect(APIKeyToken(parsing: text) == nil, "\(text)") }
    }

    @Test func descriptionNeverShowsTheSecret() {
        let token = APIKeyToken.generate()
        #expect(!"\(token)".contains(token.secret))
        #expect("\(token)".contains(token.id))
    }
}
