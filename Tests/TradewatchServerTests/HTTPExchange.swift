import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A response as the query tests read it: status, lowercased headers, body.
struct HTTPExchange {
    let status: Int
    let headers: [String: String]
    let body: Data
    var text: String { String(decoding: body, as: UTF8.self) }
    var json: [String: Any] { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:] }
    var rows: [[String: Any]] { json["rows"] as? [[String: Any]] ?? [] }
}

/// Sends `request` with URLSession and reads the whole answer.
func exchange(_ request: URLRequest) async throws -> HTTPExchange {
    let (data, response) = try await URLSession.shared.data(for: request)
    let http = response as? HTTPURLResponse
    var headers: [String: String] = [:]
    for (name, value) in http?.allHeaderFields ?? [:] {
        headers[String(describing: name).lowercased()] = String(describing: value)
    }
    return HTTPExchange(status: http?.statusCode ?? 0, headers: headers, body: data)
}
