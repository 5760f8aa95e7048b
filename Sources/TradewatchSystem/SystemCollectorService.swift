#if canImport(Glibc)
import Glibc
#endif
public import Logging
public import ServiceLifecycle
public import TradewatchCore

/// Collects system and process metrics every `interval` and hands them, as one `metrics` batch,
/// to `submit` (the server passes its batch writer: the same commit path as every client).
///
/// Its own cost is reported with the rest: `process.collector.cpu_microseconds` is the CPU
/// time the previous collection took on its thread.
public struct SystemCollectorService: Service {
    public typealias Submit = @Sendable (_ batch: ColumnarBatch) async throws -> Void

    private let dataDirectory: String
    private let interval: Duration
    private let submit: Submit
    private let logger: Logger

    public init(dataDirectory: String, interval: Duration, logger: Logger, submit: @escaping Submit) {
        self.dataDirectory = dataDirectory
        self.interval = interval
        self.logger = logger
        self.submit = submit
    }

    public func run() async throws {
        var collector = SystemCollector(dataDirectory: dataDirectory)
        var lastCost: Double?
        var failures = 0
        logger.info(
            "System collector started",
            metadata: ["event": "collector.started", "interval": "\(interval)", "disks": "\(collector.disks.sorted())"])
        while !Task.isShuttingDownGracefully {
            let started = Self.threadCPUNanoseconds()
            var metrics = collector.collect()
            if let lastCost { metrics.append(.init("process.collector.cpu_microseconds", lastCost)) }
            let batch = SystemMetric.batch(metrics, timestamp: Self.wallClockNanoseconds())
            lastCost = Double(Self.threadCPUNanoseconds() &- started) / 1000
            do {
                try await submit(batch)
                failures = 0
            } catch {
                // A full ingest queue or a shutting-down writer: skip this reading, say so once
                // per spell of failures rather than every second.
                failures += 1
                if failures == 1 {
                    logger.warning(
                        "System metrics not stored", metadata: ["event": "collector.skipped", "error": "\(error)"])
                }
            }
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            } catch {
                break
            }
        }
    }

    static func threadCPUNanoseconds() -> UInt64 {
        var spec = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &spec)
        return UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec)
    }

    static func wallClockNanoseconds() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Int64(spec.tv_sec) * 1_000_000_000 + Int64(spec.tv_nsec)
    }
}
