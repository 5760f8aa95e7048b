import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Reads back what a real server stored, through its HTTP query API.
struct QueryClient {
    let base: URL
    /// Sent as `Authorization: Bearer <key>` when set.
    var apiKey: String? = nil

    /// `POST /api/v1/query`: the rows as dictionaries keyed by column name.
    func sql(_ sql: String) async throws -> [[String: Any]] {
        var request = URLRequest(url: URL(string: base.absoluteString + "/api/v1/query")!)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        if let apiKey { request.setValue("Bearer \(apiKey)", forHTTPHeaderField: "Authorization") }
        request.httpBody = try JSONSerialization.data(withJSONObject: ["sql": sql])
        let (data, response) = try await URLSession.shared.data(for: request)
        guard (response as? HTTPURLResponse)?.statusCode == 200,
            let answer = try JSONSerialization.jsonObject(with: data) as? [String: Any],
            let columns = (answer["columns"] as? [[String: Any]])?.compactMap({ $0["name"] as? String }),
            let rows = answer["rows"] as? [[Any]]
        else { throw ProcessFailure("query failed: \(String(decoding: data, as: UTF8.self))") }
        return rows.map { Dictionary(uniqueKeysWithValues: zip(columns, $0)) }
    }

    /// `GET /api/v1/...`: the `rows` of a history answer.
    func history(_ pathAndQuery: String) async throws -> [[String: Any]] {
        var request = URLRequest(url: URL(string: base.absoluteString + pathAndQuery)!)
        if let apiKey { request.setValue("Bearer \(apiKey)", forHTTPHeaderField: "Authorization") }
        let (data, response) = try await URLSession.shared.data(for: request)
        guard (response as? HTTPURLResponse)?.statusCode == 200,
            let rows = (try JSONSerialization.jsonObject(with: data) as? [String: Any])?["rows"] as? [[String: Any]]
        else { throw ProcessFailure("\(pathAndQuery) failed: \(String(decoding: data, as: UTF8.self))") }
        return rows
    }
}

/// A JSON object column read as text (`labels::VARCHAR`), as a dictionary of strings.
func stringMap(_ value: Any?) -> [String: String]? {
    guard let text = value as? String, let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) else { return nil }
    return object as? [String: String]
}
