import NIOCore
import TradewatchCore

/// A whole HTTP/1.1 response as bytes, for the connection handlers that answer before (or
/// instead of) Hummingbird: a problem document and `Connection: close`.
enum RawResponse {
    static func problem(status: Int, reason: String, detail: String, headers: [(String, String)] = []) -> ByteBuffer {
        var body = "{\"type\":\"about:blank\",\"title\":\"\(reason)\",\"status\":\(status),\"detail\":"
        LabelsWriter.appendQuoted(detail, to: &body)
        body += "}"
        var text = "HTTP/1.1 \(status) \(reason)\r\ncontent-type: application/problem+json\r\n"
        for (name, value) in headers { text += "\(name): \(value)\r\n" }
        text += "content-length: \(body.utf8.count)\r\nconnection: close\r\n\r\n" + body
        return ByteBuffer(string: text)
    }

    /// `60`, or `0.5` for fractions.
    static func format(_ seconds: Double) -> String {
        seconds == seconds.rounded() ? String(Int64(seconds)) : String(seconds)
    }
}
