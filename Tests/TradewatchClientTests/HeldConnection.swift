import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A plain TCP connection to a test server, held open to take one of its `--max-connections`
/// places, so that the next connection is answered `503`.
final class HeldConnection {
    private let descriptor: Int32
    private var isOpen = true

    /// Connects to `127.0.0.1:port` and waits (5 s at most) for the answer to `GET /health`:
    /// once it is answered the server counts the connection, which stays open (keep-alive).
    init(port: Int) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw ProcessFailure("socket() failed: \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            Glibc.close(descriptor)
            throw ProcessFailure("connect() to port \(port) failed: \(errno)")
        }
        let request = Array("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".utf8)
        guard request.withUnsafeBytes({ send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }) == request.count else {
            close()
            throw ProcessFailure("send() failed: \(errno)")
        }
        var answer: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4_096)
        while !answer.contains(where: { $0 == 0x7D }) {  // the end of {"status":"ok"}
            let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { break }
            answer += buffer[0..<count]
        }
        let text = String(decoding: answer, as: UTF8.self)
        guard text.hasPrefix("HTTP/1.1 200") else {
            close()
            throw ProcessFailure("the held connection was not answered 200: \(text)")
        }
    }

    /// Gives the place back.
    func close() {
        guard isOpen else { return }
        isOpen = false
        Glibc.close(descriptor)
    }

    deinit { close() }
}
