import Crypto
import Foundation

/// The key a client presents: `tw_<id>_<secret>`, with a 16-hex-digit id and a 64-hex-digit
/// secret (256 random bits). The id is not secret: it finds the stored hash without scanning
/// every key, and names the key in logs. Only the secret's salted hash is ever stored.
public struct APIKeyToken: Sendable, Equatable, CustomStringConvertible {
    public static let prefix = "tw_"
    static let idLength = 16
    static let secretLength = 64

    public let id: String
    /// The secret part: shown once when the key is created, never stored or logged.
    public let secret: String

    init(id: String, secret: String) {
        self.id = id
        self.secret = secret
    }

    /// A new key from the system's cryptographically secure random generator.
    public static func generate() -> APIKeyToken {
        APIKeyToken(id: hex(randomBytes(bits: SymmetricKeySize(bitCount: 64))), secret: hex(randomBytes(bits: .bits256)))
    }

    /// Reads a presented key; `nil` when it is not in the `tw_<id>_<secret>` form.
    public init?(parsing text: some StringProtocol) {
        let bytes = Array(text.utf8)
        let prefix = Array(Self.prefix.utf8)
        let idEnd = prefix.count + Self.idLength
        guard bytes.count == idEnd + 1 + Self.secretLength, bytes.starts(with: prefix), bytes[idEnd] == UInt8(ascii: "_"),
            bytes[prefix.count..<idEnd].allSatisfy(Self.isLowerHex), bytes[(idEnd + 1)...].allSatisfy(Self.isLowerHex)
        else { return nil }
        id = String(decoding: bytes[prefix.count..<idEnd], as: UTF8.self)
        secret = String(decoding: bytes[(idEnd + 1)...], as: UTF8.self)
    }

    /// The whole key, as the client sends it.
    public var text: String { Self.prefix + id + "_" + secret }

    /// Never the secret: `tw_<id>_…`, safe for logs.
    public var description: String { Self.prefix + id + "_…" }

    static func randomBytes(bits: SymmetricKeySize) -> Data {
        SymmetricKey(size: bits).withUnsafeBytes { Data($0) }
    }

    static func hex(_ bytes: Data) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    private static func isLowerHex(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
    }
}
