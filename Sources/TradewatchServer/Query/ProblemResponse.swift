import Hummingbird
import TradewatchCore
import TradewatchQuery

/// RFC 9457 problem documents (`application/problem+json`) carrying the request's correlation id.
enum ProblemResponse {
    static func make(
        status: HTTPResponse.Status, detail: String, correlationID: String, parameter: String? = nil,
        headers extra: HTTPFields = [:]
    ) -> Response {
        var body = "{\"type\":\"about:blank\",\"title\":"
        LabelsWriter.appendQuoted(status.reasonPhrase, to: &body)
        body += ",\"status\":\(status.code),\"detail\":"
        LabelsWriter.appendQuoted(detail, to: &body)
        if let parameter {
            body += ",\"parameter\":"
            LabelsWriter.appendQuoted(parameter, to: &body)
        }
        body += ",\"correlation_id\":"
        LabelsWriter.appendQuoted(correlationID, to: &body)
        var headers = extra
        headers[.contentType] = "application/problem+json"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: body + "}")))
    }

    static func make(_ error: QueryError, correlationID: String) -> Response {
        let status: HTTPResponse.Status = switch error.kind {
        case .invalid: .badRequest
        case .timeout: .requestTimeout
        case .cancelled: .conflict
        case .notVisible: .gatewayTimeout
        case .failed: .internalServerError
        case .outOfMemory: .serviceUnavailable
        }
        var headers = HTTPFields()
        if error.kind == .outOfMemory { headers[.retryAfter] = "1" }
        return make(
            status: status, detail: error.message, correlationID: correlationID, parameter: error.parameter,
            headers: headers)
    }
}
