#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

extension SimulateCommand {
    /// The server's base URL, or an error saying what a valid one looks like.
    func serverURL(_ text: String) throws -> URL {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let host = url.host, !host.isEmpty
        else {
            throw FatalError("--url \(text) is not an http:// or https:// address such as http://127.0.0.1:8080")
        }
        return url
    }

    /// Opens and closes one TCP connection to the server (3 s at most), so a server that is not
    /// there is reported at once instead of as endless retries.
    func checkReachable(_ url: URL) throws {
        let host = url.host ?? ""
        let port = url.port ?? (url.scheme?.lowercased() == "https" ? 443 : 80)
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Glibc)
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
        hints.ai_socktype = SOCK_STREAM
        #endif
        var addresses: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &addresses)
        guard status == 0, let first = addresses else {
            throw FatalError("cannot find the server \(host) of --url \(url.absoluteString): \(String(cString: gai_strerror(status)))")
        }
        defer { freeaddrinfo(addresses) }
        var failure: Int32 = ECONNREFUSED
        var candidate: UnsafeMutablePointer<addrinfo>? = first
        while let address = candidate?.pointee {
            candidate = address.ai_next
            let descriptor = socket(address.ai_family, address.ai_socktype, address.ai_protocol)
            guard descriptor >= 0 else { failure = errno; continue }
            defer { close(descriptor) }
            _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL, 0) | O_NONBLOCK)
            if connect(descriptor, address.ai_addr, address.ai_addrlen) == 0 { return }
            guard errno == EINPROGRESS else { failure = errno; continue }
            var events = pollfd(fd: descriptor, events: Int16(POLLOUT), revents: 0)
            switch poll(&events, 1, 3_000) {
            case 1:
                var error: Int32 = 0
                var length = socklen_t(MemoryLayout<Int32>.size)
                getsockopt(descriptor, SOL_SOCKET, SO_ERROR, &error, &length)
                if error == 0 { return }
                failure = error
            case 0:
                failure = ETIMEDOUT
            default:
                failure = errno
            }
        }
        throw FatalError(
            "cannot connect to \(host):\(port) (--url \(url.absoluteString)): \(String(cString: strerror(failure))); "
                + "is `tradewatch serve` running there?")
    }
}
