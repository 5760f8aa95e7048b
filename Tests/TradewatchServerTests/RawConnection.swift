import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A plain TCP connection to a test server, for what an HTTP client library will not do:
/// trickle a request byte by byte, send oversized heads, hold connections open, or come from
/// another loopback address. Reads poll without blocking and sleep between polls.
final class RawConnection: @unchecked Sendable {
    private let descriptor: Int32
    private var isClosed = false

    /// Connects to `127.0.0.1:port`, from `source` (another address of 127.0.0.0/8) if given.
    init(port: Int, source: String? = nil) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw RawConnectionError("socket: errno \(errno)") }
        if let source {
            var local = try Self.address(source, port: 0)
            let bound = withUnsafePointer(to: &local) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard bound == 0 else { throw RawConnectionError("bind \(source): errno \(errno)") }
        }
        var remote = try Self.address("127.0.0.1", port: port)
        let connected = withUnsafePointer(to: &remote) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            Glibc.close(descriptor)
            throw RawConnectionError("connect: errno \(errno)")
        }
        _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
    }

    private static func address(_ host: String, port: Int) throws -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else { throw RawConnectionError("bad address \(host)") }
        return address
    }

    /// Sends everything; `false` when the server has closed the connection.
    @discardableResult
    func send(_ text: String) -> Bool { send(Array(text.utf8)) }

    @discardableResult
    func send(_ bytes: [UInt8]) -> Bool {
        var offset = 0
        var attempts = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if sent > 0 {
                offset += sent
            } else if sent < 0, errno == EAGAIN, attempts < 1000 {
                attempts += 1
                usleep(1000)
            } else {
                return false
            }
        }
        return true
    }

    /// Reads until the server closes the connection or `timeout` passes.
    func readUntilClosed(timeout: Duration) async throws -> (data: Data, closed: Bool) {
        try await read(timeout: timeout) { _ in false }
    }

    /// Reads until `done` says the bytes so far are enough, the server closes, or `timeout` passes.
    func read(timeout: Duration, until done: (Data) -> Bool) async throws -> (data: Data, closed: Bool) {
        let deadline = ContinuousClock.now + timeout
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while ContinuousClock.now < deadline {
            let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count > 0 {
                data.append(contentsOf: buffer[0..<count])
                if done(data) { return (data, false) }
            } else if count == 0 || errno != EAGAIN {
                return (data, true)  // closed (or reset) by the server
            } else {
                try await Task.sleep(for: .milliseconds(20))
            }
        }
        return (data, false)
    }

    func close() {
        guard !isClosed else { return }
        isClosed = true
        Glibc.close(descriptor)
    }

    deinit { close() }
}

struct RawConnectionError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

extension Data {
    /// The status code of an HTTP/1.1 response these bytes start with.
    var httpStatus: Int? {
        let text = String(decoding: prefix(64), as: UTF8.self)
        let parts = text.split(separator: " ", maxSplits: 2)
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/1.") else { return nil }
        return Int(parts[1])
    }

    /// The whole response head is there.
    var hasHTTPHead: Bool { range(of: Data("\r\n\r\n".utf8)) != nil }
}
