import Foundation

/// A minimal WebSocket client over ``RawConnection`` for tests that must not hang: the handshake
/// and every frame read are bounded by timeouts, whatever the server does (close at once after
/// the upgrade, drop the connection, say nothing).
final class RawWebSocket: @unchecked Sendable {
    enum Frame: Equatable {
        case text(String)
        case binary(Data)
        case close(code: UInt16?, reason: String)
        case other(opcode: UInt8)
    }

    private let connection: RawConnection
    /// Bytes received after the handshake not yet parsed into frames.
    private var pending = Data()

    private init(connection: RawConnection, pending: Data) {
        self.connection = connection
        self.pending = pending
    }

    /// Connects and upgrades; throws unless the server answers `101 Switching Protocols`.
    static func open(_ base: URL, path: String, authorization: String? = nil, timeout: Duration = .seconds(10)) async throws -> RawWebSocket {
        let port = base.port ?? 80
        let connection = try RawConnection(port: port)
        var head = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        head += "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
        if let authorization { head += "Authorization: \(authorization)\r\n" }
        connection.send(head + "\r\n")
        let (data, _) = try await connection.read(timeout: timeout) { $0.hasHTTPHead }
        guard let end = data.range(of: Data("\r\n\r\n".utf8)), data.httpStatus == 101 else {
            connection.close()
            throw RawConnectionError("no WebSocket upgrade: \(String(decoding: data.prefix(300), as: UTF8.self))")
        }
        return RawWebSocket(connection: connection, pending: Data(data[end.upperBound...]))
    }

    /// Sends one masked text frame (clients must mask).
    func sendText(_ text: String) {
        let payload = Array(text.utf8)
        var frame: [UInt8] = [0x81]
        if payload.count < 126 {
            frame.append(0x80 | UInt8(payload.count))
        } else {
            frame.append(0x80 | 126)
            frame += [UInt8(payload.count >> 8), UInt8(payload.count & 0xFF)]
        }
        let mask: [UInt8] = [0x12, 0x34, 0x56, 0x78]
        frame += mask
        frame += payload.enumerated().map { $0.element ^ mask[$0.offset % 4] }
        connection.send(frame)
    }

    /// The next frame, or `nil` when the connection closed or `timeout` passed without one.
    func nextFrame(timeout: Duration) async throws -> Frame? {
        let deadline = ContinuousClock.now + timeout
        while true {
            if let frame = parseFrame() { return frame }
            let left = deadline - ContinuousClock.now
            guard left > .zero else { return nil }
            let before = pending.count
            let (data, closed) = try await connection.read(timeout: left) { [pending] received in
                Self.frameLength(pending + received) != nil
            }
            pending.append(data)
            if closed && pending.count == before { return parseFrame() }
        }
    }

    func close() { connection.close() }

    /// Bytes the first frame in `bytes` takes, once it is all there.
    private static func frameLength(_ bytes: Data) -> Int? {
        let bytes = [UInt8](bytes)
        guard bytes.count >= 2 else { return nil }
        var length = Int(bytes[1] & 0x7F)
        var offset = 2
        if length == 126 {
            guard bytes.count >= 4 else { return nil }
            length = Int(bytes[2]) << 8 | Int(bytes[3])
            offset = 4
        } else if length == 127 {
            guard bytes.count >= 10 else { return nil }
            length = bytes[2..<10].reduce(0) { $0 << 8 | Int($1) }
            offset = 10
        }
        if bytes[1] & 0x80 != 0 { offset += 4 }
        return bytes.count >= offset + length ? offset + length : nil
    }

    private func parseFrame() -> Frame? {
        guard let total = Self.frameLength(pending) else { return nil }
        let bytes = [UInt8](pending.prefix(total))
        pending.removeFirst(total)
        var offset = 2
        let short = Int(bytes[1] & 0x7F)
        if short == 126 { offset = 4 } else if short == 127 { offset = 10 }
        var payload = Array(bytes[offset...])
        if bytes[1] & 0x80 != 0 {
            let mask = Array(payload.prefix(4))
            payload = payload.dropFirst(4).enumerated().map { $0.element ^ mask[$0.offset % 4] }
        }
        switch bytes[0] & 0x0F {
        case 0x1: return .text(String(decoding: payload, as: UTF8.self))
        case 0x2: return .binary(Data(payload))
        case 0x8:
            guard payload.count >= 2 else { return .close(code: nil, reason: "") }
            return .close(code: UInt16(payload[0]) << 8 | UInt16(payload[1]), reason: String(decoding: payload[2...], as: UTF8.self))
        case let opcode: return .other(opcode: opcode)
        }
    }
}
