import ServiceLifecycle
import TradewatchIngest
import TradewatchStorage

/// Moves the server's own log records from the buffer into the `logs` table once a second, and
/// a last time on shutdown (before the writer drains, which stops after this service).
struct SelfLogService: Service {
    let buffer: SelfLogBuffer
    let writer: BatchWriter

    func run() async throws {
        await repeatEvery(.seconds(1)) { await flush() }
        await flush()
    }

    private func flush() async {
        guard let batch = buffer.drain() else { return }
        // A refused batch (queue full, shutting down) is dropped without logging: logging it
        // would only refill the buffer.
        _ = try? await writer.submit([batch])
    }
}
