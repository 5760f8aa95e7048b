// What the system collector costs: CPU time per collection (read /proc, statvfs, build the
// metrics batch), and what that is at the default 1 s interval as a share of one core.
// Run: make bench-collector (release build; COLLECTIONS=5000 for more).
#if canImport(Glibc)
import Glibc
#endif
import Foundation
import TradewatchSystem

func threadCPUNanoseconds() -> UInt64 {
    var spec = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &spec)
    return UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec)
}

let collections = Int(ProcessInfo.processInfo.environment["COLLECTIONS"] ?? "") ?? 2_000
var collector = SystemCollector(dataDirectory: FileManager.default.currentDirectoryPath)
_ = collector.collect()
var costs: [Double] = []
var rows = 0
costs.reserveCapacity(collections)
for _ in 0..<collections {
    let started = threadCPUNanoseconds()
    let metrics = collector.collect()
    let batch = SystemMetric.batch(metrics, timestamp: 0)
    costs.append(Double(threadCPUNanoseconds() - started) / 1000)
    rows = batch.rowCount
    usleep(1_000)  // counters move between readings, as they do at 1 s
}
costs.sort()
let mean = costs.reduce(0, +) / Double(costs.count)
let sorted = costs
func percentile(_ p: Double) -> Double { sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))] }
print("system collector: \(collections) collections, \(rows) metrics rows each, disks \(collector.disks.sorted())")
print(String(format: "CPU per collection: mean %.1f us, p50 %.1f us, p99 %.1f us", mean, percentile(0.5), percentile(0.99)))
print(String(format: "at a 1 s interval: %.4f%% of one core (goal: under 0.5%%)", mean / 1_000_000 * 100))
