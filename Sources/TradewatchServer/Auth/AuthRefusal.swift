import HTTPTypes
import Hummingbird
import NIOCore
import TradewatchAuth
import TradewatchCore

/// Why ``AuthMiddleware`` refused a request, and the answer that says so: a problem document,
/// or InfluxDB's `{"code":"…","message":"…"}` on the InfluxDB routes. `401`s carry
/// `WWW-Authenticate` (RFC 6750), `403`s name the scope needed and the scopes held.
enum AuthRefusal {
    case missing
    case unreadable(String)
    case notRecognised
    case revoked(name: String)
    case lacksScope(needed: Scope, key: AuthenticatedKey)

    static let realm = #"Bearer realm="tradewatch""#

    /// The `reason` label of `tradewatch_auth_refused_total`.
    var reason: String {
        switch self {
        case .missing: "missing"
        case .unreadable: "unreadable"
        case .notRecognised: "not_recognised"
        case .revoked: "revoked"
        case .lacksScope: "scope"
        }
    }

    var status: HTTPResponse.Status {
        if case .lacksScope = self { return .forbidden }
        return .unauthorized
    }

    func message(for request: Request) -> String {
        switch self {
        case .missing:
            let path = RouteAccess.normalized(request.uri.path)
            let alternative =
                switch path {
                case "/write", "/query": " (or as the password p of InfluxDB 1.x)"
                case StreamController.path: " (or as the access_token query parameter, for browsers)"
                default: ""
                }
            return
                "no API key given: send one as Authorization: Bearer <key> or Token <key>\(alternative); keys are made with `tradewatch keys create`"
        case .unreadable(let reason):
            return "API key not readable: \(reason)"
        case .notRecognised:
            return "API key not recognised: it is not a key of this server (keys look like tw_<id>_<secret>; see `tradewatch keys list`)"
        case .revoked(let name):
            return "API key revoked: the key \"\(name)\" was revoked; ask for a new one (`tradewatch keys create`)"
        case .lacksScope(let needed, let key):
            return "this request needs the \(needed.rawValue) scope; the API key \"\(key.name)\" holds \(key.scopes)"
        }
    }

    /// The WebSocket close code of a refused handshake: 4401 or 4403, after the HTTP statuses.
    var closeCode: UInt16 { status == .forbidden ? 4403 : 4401 }

    /// A close frame's reason: short (a control frame holds at most 123 bytes of it).
    var closeReason: String {
        switch self {
        case .missing: "no API key given"
        case .unreadable: "API key not readable"
        case .notRecognised: "API key not recognised"
        case .revoked: "API key revoked"
        case .lacksScope(let needed, _): "this API key lacks the \(needed.rawValue) scope"
        }
    }

    var authenticateHeader: String {
        switch self {
        case .missing: Self.realm
        case .unreadable, .notRecognised, .revoked: Self.realm + #", error="invalid_token""#
        case .lacksScope(let needed, _): Self.realm + #", error="insufficient_scope", scope=""# + needed.rawValue + "\""
        }
    }

    func response(for request: Request) -> Response {
        var headers = HTTPFields()
        headers[.wwwAuthenticate] = authenticateHeader
        let message = message(for: request)
        guard RouteAccess.speaksInflux(request.uri.path) else {
            return ProblemResponse.make(
                status: status, detail: message, correlationID: RequestCorrelation.id ?? "", headers: headers)
        }
        var body = "{\"code\":\"\(status == .forbidden ? "forbidden" : "unauthorized")\",\"message\":"
        LabelsWriter.appendQuoted(message, to: &body)
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: body + "}")))
    }
}
