import CEpoll
import Foundation
import Glibc

/// The subscribers as plain sockets served by one thread (`--client socket`, the
/// default) with epoll(7): the WebSocket handshake and the (masked) `subscribe` message are written by hand,
/// and the server's frames are parsed straight from each socket's read buffer. A frame's receipt
/// time is taken when the read that completed it returns, so the figures measure delivery, not
/// how soon a task of the benchmark itself got to run: with `--client websocket` (one
/// hummingbird-websocket client task per subscriber) the benchmark process took about a third
/// of a core for 1,000 subscribers, on the same two cores as the server, and a frame waited for
/// its client's task to be scheduled before it was timestamped. Every socket that epoll reports
/// ready is read (and its receipt stamped) before any frame is parsed: one thread stands in for
/// a thousand clients, and one client's parsing should not delay another client's receipt.
final class SocketSubscribers: @unchecked Sendable {
    private struct Client {
        let number: Int
        let socket: Int32
        var buffer: [UInt8] = []
        /// Payload of a message whose first frames came (a message split in fragments).
        var fragments: [UInt8]?
        var fragmentsOpcode: UInt8 = 0
        var tally = ClientTally()
        var open = true
    }

    private let options: Options
    private let run: Run
    private var clients: [Client] = []
    /// Every subscribed client's socket, registered with its index in `clients`.
    private let epoll = epoll_create1(0)
    private var events = [epoll_event](repeating: epoll_event(), count: 1024)
    /// Read buffer, reused for every read.
    private var chunk = [UInt8](repeating: 0, count: 1 << 16)

    init(options: Options, run: Run) {
        self.options = options
        self.run = run
    }

    /// Connects and subscribes every client (in waves of `--connect-parallelism`), then serves
    /// their sockets until the run's phase says close; adds every tally to the run. Blocks.
    func serve() {
        let host = options.url.host!
        let port = options.url.port ?? 80
        let subscribeFrames = (0..<options.clients).map { number in
            Self.maskedText(#"{"op":"subscribe","id":"s1","table":"trades","filter":{"symbol":["SYM\#(number % 200)"]}}"#)
        }
        var number = 0
        while number < options.clients {
            let wave = number..<min(options.clients, number + options.connectParallelism)
            for index in wave {
                let socket = connectTCP(host: host, port: port)
                Self.send(socket, Array((
                    "GET /api/v1/stream HTTP/1.1\r\nHost: \(host):\(port)\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n").utf8))
                clients.append(Client(number: index, socket: socket))
            }
            for index in wave {
                let socket = clients[index].socket
                // The 101 head; the server sends nothing after it before the subscribe.
                var head: [UInt8] = []
                while head.firstRange(of: Array("\r\n\r\n".utf8)) == nil { head += Self.receive(socket) }
                guard head.starts(with: Array("HTTP/1.1 101".utf8)) else {
                    fail("client \(index): the upgrade was refused: \(String(decoding: head.prefix(200), as: UTF8.self))")
                }
                Self.send(socket, subscribeFrames[index])
                _ = fcntl(socket, F_SETFL, fcntl(socket, F_GETFL) | O_NONBLOCK)
                var event = epoll_event(events: EPOLLIN.rawValue, data: epoll_data_t(u64: UInt64(index)))
                guard epoll_ctl(epoll, EPOLL_CTL_ADD, socket, &event) == 0 else { fail("epoll_ctl failed: errno \(errno)") }
            }
            number = wave.upperBound
            // The next wave once this one is subscribed, so the server's accept backlog never overflows.
            while run.subscribed.load(ordering: .relaxed) < number { poll(timeoutMilliseconds: 50) }
        }
        while run.phase.load(ordering: .relaxed) < 2 { poll(timeoutMilliseconds: 50) }
        for index in clients.indices {
            if clients[index].open { Self.send(clients[index].socket, Self.maskedFrame(opcode: 0x8, [0x03, 0xE8])) }
            close(clients[index].socket)
            let tally = clients[index].tally
            run.tallies.withLock { $0.append(tally) }
            run.finished.add(1, ordering: .relaxed)
        }
        close(epoll)
    }

    private func poll(timeoutMilliseconds: Int32) {
        let ready = Int(epoll_wait(epoll, &events, Int32(events.count), timeoutMilliseconds))
        guard ready > 0 else { return }
        // Every ready socket read first, each stamped when its read returns; then the frames.
        var received: [(index: Int, at: Int64)] = []
        received.reserveCapacity(ready)
        for event in events[..<ready] {
            let index = Int(event.data.u64)
            guard clients[index].open else { continue }
            while true {
                let count = chunk.withUnsafeMutableBytes { recv(clients[index].socket, $0.baseAddress, $0.count, 0) }
                if count > 0 {
                    clients[index].buffer += chunk[..<count]
                    continue
                }
                if count == 0 || (errno != EAGAIN && errno != EWOULDBLOCK) {
                    if run.phase.load(ordering: .relaxed) < 2 {
                        clients[index].tally.errors += 1
                        FileHandle.standardError.write(Data("live-benchmark: client \(clients[index].number): the server closed the connection\n".utf8))
                    }
                    clients[index].open = false
                }
                break
            }
            received.append((index, wallNanoseconds()))
        }
        for (index, at) in received {
            frames(of: index, received: at)
            if !clients[index].open { epoll_ctl(epoll, EPOLL_CTL_DEL, clients[index].socket, nil) }
        }
    }

    /// Takes every complete frame off client `index`'s buffer.
    private func frames(of index: Int, received: Int64) {
        var consumed = 0
        let buffer = clients[index].buffer
        while buffer.count - consumed >= 2 {
            let first = buffer[consumed], second = buffer[consumed + 1]
            var length = Int(second & 0x7F)
            var headerLength = 2
            if length == 126 {
                guard buffer.count - consumed >= 4 else { break }
                length = Int(buffer[consumed + 2]) << 8 | Int(buffer[consumed + 3])
                headerLength = 4
            } else if length == 127 {
                guard buffer.count - consumed >= 10 else { break }
                length = (0..<8).reduce(0) { $0 << 8 | Int(buffer[consumed + 2 + $1]) }
                headerLength = 10
            }
            guard buffer.count - consumed >= headerLength + length else { break }
            let payload = buffer[(consumed + headerLength)..<(consumed + headerLength + length)]
            consumed += headerLength + length
            let fin = first & 0x80 != 0
            let opcode = first & 0x0F
            switch opcode {
            case 0x9:  // ping: a pong with the same payload, or the server counts the client dead
                Self.send(clients[index].socket, Self.maskedFrame(opcode: 0xA, Array(payload)))
            case 0x8:
                clients[index].open = false
            case 0x0:
                clients[index].fragments?.append(contentsOf: payload)
                if fin, let message = clients[index].fragments {
                    clients[index].fragments = nil
                    if clients[index].fragmentsOpcode == 0x1 { self.message(message[...], of: index, received: received) }
                }
            default:
                if !fin {
                    clients[index].fragments = Array(payload)
                    clients[index].fragmentsOpcode = opcode
                } else if opcode == 0x1 {
                    message(payload, of: index, received: received)
                }
            }
        }
        clients[index].buffer.removeFirst(consumed)
    }

    private func message(_ bytes: ArraySlice<UInt8>, of index: Int, received: Int64) {
        func starts(_ prefix: String) -> Bool { bytes.starts(with: prefix.utf8) }
        if starts(#"{"op":"subscribed""#) {
            run.subscribed.add(1, ordering: .relaxed)
            return
        }
        guard run.phase.load(ordering: .relaxed) == 1 else { return }
        clients[index].tally.frames += 1
        clients[index].tally.bytes += bytes.count
        if starts(#"{"op":"rows""#) {
            bytes.withUnsafeBufferPointer { tallyRows($0, received: received, into: &clients[index].tally) }
        } else if starts(#"{"op":"lagged""#) {
            clients[index].tally.lagged += 1
        } else if starts(#"{"op":"error""#) {
            clients[index].tally.errors += 1
            FileHandle.standardError.write(Data("live-benchmark: client \(clients[index].number): \(String(decoding: bytes, as: UTF8.self))\n".utf8))
        }
    }

    // MARK: Sockets

    /// Writes all of `bytes` (blocking sockets wait; non-blocking ones are retried briefly).
    private static func send(_ socket: Int32, _ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes.withUnsafeBytes { Foundation.send(socket, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL)) }
            if sent < 0, errno == EAGAIN || errno == EWOULDBLOCK {
                usleep(100)
                continue
            }
            guard sent > 0 else { return }  // the connection is gone; the reader notices
            offset += sent
        }
    }

    /// One blocking read (the handshake).
    private static func receive(_ socket: Int32) -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: 4_096)
        let count = buffer.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { fail("the server closed a WebSocket during the handshake") }
        return Array(buffer[..<count])
    }

    private static func maskedText(_ text: String) -> [UInt8] { maskedFrame(opcode: 0x1, Array(text.utf8)) }

    /// A final client frame: clients must mask their payloads (RFC 6455 §5.3).
    private static func maskedFrame(opcode: UInt8, _ payload: [UInt8]) -> [UInt8] {
        let mask: [UInt8] = [0x37, 0xFA, 0x21, 0x3D]
        var frame: [UInt8] = [0x80 | opcode]
        if payload.count < 126 {
            frame.append(0x80 | UInt8(payload.count))
        } else {
            frame += [0x80 | 126, UInt8(payload.count >> 8), UInt8(payload.count & 0xFF)]
        }
        frame += mask
        frame += payload.enumerated().map { $0.element ^ mask[$0.offset % 4] }
        return frame
    }
}
