import NIOCore

/// One file of the dashboard, held in memory with the headers it is served with.
struct DashboardAsset: Sendable {
    let body: ByteBuffer
    let contentType: String
    /// A strong validator derived from the content, so it survives restarts and changes only
    /// when the file does.
    let etag: String

    init(bytes: [UInt8], fileName: String) {
        body = ByteBuffer(bytes: bytes)
        contentType = Self.contentType(forFileName: fileName)
        etag = "\"\(Self.fingerprint(bytes))\""
    }

    /// Media types of the files the dashboard ships; anything else is served as opaque bytes.
    static func contentType(forFileName name: String) -> String {
        let suffix = name.split(separator: ".").last.map { $0.lowercased() } ?? ""
        return switch suffix {
        case "html": "text/html; charset=utf-8"
        case "css": "text/css; charset=utf-8"
        case "js", "mjs": "text/javascript; charset=utf-8"
        case "json": "application/json; charset=utf-8"
        case "svg": "image/svg+xml"
        case "png": "image/png"
        case "ico": "image/x-icon"
        case "txt": "text/plain; charset=utf-8"
        default: "application/octet-stream"
        }
    }

    /// FNV-1a over the bytes, with the length: enough to tell versions of a file apart (not a
    /// security property; the ETag only has to change when the content does).
    static func fingerprint(_ bytes: [UInt8]) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex + "-" + String(bytes.count, radix: 16)
    }
}
