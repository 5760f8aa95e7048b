import Foundation
import Synchronization

/// Lines gathered in memory and written to a file descriptor in large writes: by a thread of
/// its own every ``interval``, when ``limit`` bytes are waiting, or at once for an urgent line.
///
/// A write system call per access-log line cost a few percent of the server's CPU at tens of
/// thousands of requests a second. What can be lost is what the last interval gathered, and
/// only if the process is killed (`SIGKILL`, a crash): the server flushes when it stops and at
/// exit, and warnings and errors are never held.
final class BufferedOutput: Sendable {
    static let interval = Duration.milliseconds(20)
    static let limit = 64 * 1024

    private let descriptor: Int32
    private let pending = Mutex<[UInt8]>([])
    /// Held while writing, so chunks reach the descriptor in the order they were gathered.
    private let writing = Mutex(())
    private let flushing = Atomic(false)

    init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    func write(_ line: [UInt8], urgent: Bool) {
        let full = pending.withLock { pending in
            pending.append(contentsOf: line)
            return pending.count >= Self.limit
        }
        if urgent || full { flush() }
    }

    /// Writes everything gathered so far.
    func flush() {
        writing.withLock { _ in
            var chunk: [UInt8] = []
            pending.withLock { swap(&chunk, &$0) }
            guard !chunk.isEmpty else { return }
            chunk.withUnsafeBytes { bytes in
                var offset = 0
                while offset < bytes.count {
                    let written = Glibc.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                    if written < 0 {
                        if errno == EINTR || errno == EAGAIN { continue }
                        return  // standard output is gone (a closed pipe): nothing sensible to do
                    }
                    offset += written
                }
            }
        }
    }

    /// Starts the thread that writes every ``interval`` (once; later calls do nothing). It lives
    /// as long as the process.
    func startFlushing() {
        guard flushing.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged
        else { return }
        let thread = Thread { [self] in
            let pause = UInt32(Self.interval.components.attoseconds / 1_000_000_000_000)
            while true {
                usleep(pause)
                flush()
            }
        }
        thread.name = "tradewatch-log-flush"
        thread.start()
    }
}
