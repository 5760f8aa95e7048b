import Hummingbird
import TradewatchAuth

/// The decision both auth middlewares take: let the request in (with the key it carried, if
/// any) or refuse it, and why. See ``RouteAccess`` for the scope each route needs.
struct AuthCheck: Sendable {
    let authenticator: APIKeyAuthenticator
    let mode: AuthMode

    enum Decision {
        case allow(AuthenticatedKey?)
        case refuse(AuthRefusal)
    }

    /// In ``AuthMode/optional`` a request without a key goes ahead, but a request *with* a key
    /// is judged as in required mode: a wrong or revoked key is never silently ignored. What is
    /// not a Tradewatch key at all (no `tw_` prefix: the placeholder tokens and passwords
    /// InfluxDB clients and Telegraf send even when the server needs none) counts as no key
    /// there. Keys sent to open routes are not looked at.
    func decide(_ request: Request) async throws -> Decision {
        guard let needed = RouteAccess.requiredScope(method: request.method, path: request.uri.path) else {
            return .allow(nil)
        }
        let credential = PresentedCredential.find(in: request)
        if mode == .optional, !credential.looksLikeAPIKey { return .allow(nil) }
        switch credential {
        case .none:
            return .refuse(.missing)
        case .unreadable(let reason):
            return .refuse(.unreadable(reason))
        case .key(let presented):
            switch try await authenticator.authenticate(presented) {
            case .notRecognised:
                return .refuse(.notRecognised)
            case .revoked(let name):
                return .refuse(.revoked(name: name))
            case .accepted(let key):
                return key.scopes.grants(needed) ? .allow(key) : .refuse(.lacksScope(needed: needed, key: key))
            }
        }
    }
}
