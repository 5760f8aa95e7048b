import Foundation
import HTTPTypes
import Hummingbird
import TradewatchAuth

/// Where a request carries its API key, looked for in this order:
/// `Authorization: Bearer <key>`, InfluxDB's `Authorization: Token <key>`, HTTP Basic (the
/// password is the key, as InfluxDB 1.x clients and Telegraf send it), the `p` query parameter
/// of `/write` and `/query` (InfluxDB 1.x; `u` is ignored), and `access_token` on the live
/// stream (browsers cannot set headers on a WebSocket).
enum PresentedCredential: Equatable {
    case none
    case key(String)
    /// An `Authorization` header that carries no key Tradewatch can read.
    case unreadable(String)

    /// Whether this is meant as a Tradewatch key: it starts with `tw_` (it may still be wrong).
    var looksLikeAPIKey: Bool {
        if case .key(let text) = self { return text.hasPrefix(APIKeyToken.prefix) }
        return false
    }

    static func find(in request: Request) -> PresentedCredential {
        if let authorization = request.headers[.authorization] {
            return fromAuthorization(authorization)
        }
        let path = RouteAccess.normalized(request.uri.path)
        let parameter: String? =
            switch path {
            case "/write", "/query": "p"
            case StreamController.path: "access_token"
            default: nil
            }
        if let parameter, let value = request.uri.queryParameters.get(parameter), !value.isEmpty {
            return .key(value)
        }
        return .none
    }

    static func fromAuthorization(_ header: String) -> PresentedCredential {
        let trimmed = header.trimmingCharacters(in: .whitespaces)
        let scheme = trimmed.prefix { $0 != " " }
        let value = trimmed.dropFirst(scheme.count).trimmingCharacters(in: .whitespaces)
        switch scheme.lowercased() {
        case "bearer", "token":
            return value.isEmpty ? .unreadable("the Authorization header's \(scheme) scheme carries no key") : .key(value)
        case "basic":
            guard let decoded = Data(base64Encoded: value).flatMap({ String(data: $0, encoding: .utf8) }),
                let colon = decoded.firstIndex(of: ":")
            else {
                return .unreadable("the Authorization header's Basic credentials are not base64 of user:password")
            }
            let password = String(decoded[decoded.index(after: colon)...])
            return password.isEmpty ? .unreadable("the Basic credentials carry no password (the API key)") : .key(password)
        default:
            return .unreadable(
                "the Authorization scheme \"\(scheme)\" is not supported; send Authorization: Bearer <key> or Token <key>")
        }
    }
}
