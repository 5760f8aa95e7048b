import Testing
@testable import TradewatchServer

@Suite struct RouteAccessTests {
    /// The shortcut for paths already in normal form must never judge a path differently from
    /// the full decoding: every path built from awkward pieces normalizes the same both ways.
    @Test func theShortcutAgreesWithFullNormalization() {
        let pieces = ["/", "/", "a", "api", "v1", "B", ".", "..", "...", "%2F", "%41", "%", "é", "-", "_", "x.y"]
        var generator = SystemRandomNumberGenerator()
        var shortcuts = 0
        for _ in 0..<20_000 {
            let count = Int.random(in: 0...8, using: &generator)
            let path = (0..<count).map { _ in pieces.randomElement(using: &generator)! }.joined()
            let full = RouteAccess.fullyNormalized(path)
            if RouteAccess.isNormalized(path) {
                shortcuts += 1
                #expect(full == path, "\(path) was taken as normal but normalizes to \(full)")
            }
            #expect(RouteAccess.normalized(path) == full, "\(path)")
        }
        #expect(shortcuts > 100, "the generator should produce normal paths too")
    }

    @Test func commonPathsAreAlreadyNormal() {
        for path in ["/", "/health", "/api/v1/metrics/latest", "/write", "/api/v2/write", "/app.js", "/api/v1/queries/q-1"] {
            #expect(RouteAccess.isNormalized(path), "\(path)")
        }
        for path in ["", "//health", "/health/", "/API/v1", "/a/./b", "/a/../b", "/%61pi", "/.", "relative"] {
            #expect(!RouteAccess.isNormalized(path), "\(path)")
        }
    }
}
