#if canImport(Glibc)
import Glibc
#endif

/// Raw counters and gauges read at one moment. Rates come from two snapshots
/// (``SystemCollector``); every reader tolerates a missing file by leaving its part empty.
struct SystemSnapshot {
    /// Busy and total jiffies of one CPU line of /proc/stat (`total` for the `cpu` line).
    struct CPUTimes {
        var busy: UInt64
        var iowait: UInt64
        var total: UInt64
    }

    struct DiskCounters {
        var reads: UInt64
        var readBytes: UInt64
        var writes: UInt64
        var writtenBytes: UInt64
    }

    struct NetworkCounters {
        var receivedBytes: UInt64
        var receivedPackets: UInt64
        var transmittedBytes: UInt64
        var transmittedPackets: UInt64
    }

    /// Monotonic time of the reading, in nanoseconds.
    var monotonic: UInt64 = 0
    /// CPU label (`total`, `0`, `1`…) to its times, in /proc/stat order.
    var cpus: [(label: String, times: CPUTimes)] = []
    var load: (one: Double, five: Double, fifteen: Double)?
    /// /proc/meminfo values in bytes, by key (`MemTotal`, `MemAvailable`, `SwapTotal`, `SwapFree`).
    var memory: [String: UInt64] = [:]
    var disks: [(device: String, counters: DiskCounters)] = []
    var networks: [(interface: String, counters: NetworkCounters)] = []
    var fileSystem: (total: UInt64, free: UInt64, available: UInt64)?
    /// The process's user + system CPU time in clock ticks.
    var processTicks: UInt64?
    var processThreads: Int?
    var processRSSBytes: UInt64?
    var processOpenFiles: Int = 0

    static func monotonicNanoseconds() -> UInt64 {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec)
    }
}
