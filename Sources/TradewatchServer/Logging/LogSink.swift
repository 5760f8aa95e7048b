import Foundation

/// Where log lines go: standard output (buffered, see ``BufferedOutput``), or a closure (tests).
public final class LogSink: Sendable {
    private enum Target {
        case closure(@Sendable (String) -> Void)
        case buffered(BufferedOutput)
    }

    private let target: Target

    /// A sink handing each whole line to `write`, at once.
    public init(_ write: @escaping @Sendable (String) -> Void) {
        target = .closure(write)
    }

    private init(buffered: BufferedOutput) {
        target = .buffered(buffered)
    }

    /// Writes one whole line (ending in a newline). `urgent` lines (warnings, errors) are written
    /// before this returns, with everything buffered before them.
    func write(_ line: [UInt8], urgent: Bool) {
        switch target {
        case .closure(let write): write(String(decoding: line, as: UTF8.self))
        case .buffered(let output): output.write(line, urgent: urgent)
        }
    }

    /// Writes whatever is buffered now.
    public func flush() {
        if case .buffered(let output) = target { output.flush() }
    }

    /// Standard output, whole lines only so concurrent lines never interleave; lines reach it
    /// within ``BufferedOutput/interval`` (at once for warnings and errors, and at exit).
    public static let standardOutput: LogSink = {
        let output = BufferedOutput(descriptor: STDOUT_FILENO)
        output.startFlushing()
        atexit { LogSink.standardOutput.flush() }
        return LogSink(buffered: output)
    }()
}
