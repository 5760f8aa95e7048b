#if canImport(Glibc)
import Glibc
#endif

extension SystemSnapshot {
    /// Reads everything the collector reports. `disks` names the block devices to report (whole
    /// disks, not partitions or loop devices); `dataDirectory` is the folder whose file system is
    /// measured.
    static func read(disks reported: Set<String>, dataDirectory: String) -> SystemSnapshot {
        var snapshot = SystemSnapshot()
        snapshot.monotonic = monotonicNanoseconds()
        if let text = ProcFile.read("/proc/stat") { snapshot.cpus = parseCPUs(text) }
        if let text = ProcFile.read("/proc/loadavg") {
            let fields = ProcFile.fields(text[...])
            if fields.count >= 3, let one = Double(fields[0]), let five = Double(fields[1]), let fifteen = Double(fields[2]) {
                snapshot.load = (one, five, fifteen)
            }
        }
        if let text = ProcFile.read("/proc/meminfo") { snapshot.memory = parseMemory(text) }
        if let text = ProcFile.read("/proc/diskstats") { snapshot.disks = parseDisks(text, reported: reported) }
        if let text = ProcFile.read("/proc/net/dev") { snapshot.networks = parseNetworks(text) }
        var stats = statvfs()
        if statvfs(dataDirectory, &stats) == 0 {
            let unit = UInt64(stats.f_frsize)
            snapshot.fileSystem = (UInt64(stats.f_blocks) * unit, UInt64(stats.f_bfree) * unit, UInt64(stats.f_bavail) * unit)
        }
        if let text = ProcFile.read("/proc/self/stat") { snapshot.readProcessStat(text) }
        snapshot.processOpenFiles = ProcFile.countEntries("/proc/self/fd")
        return snapshot
    }

    /// The `cpu` and `cpuN` lines: busy = user + nice + system + irq + softirq + steal; total
    /// adds idle and iowait (guest time is already inside user).
    static func parseCPUs(_ text: String) -> [(label: String, times: CPUTimes)] {
        var cpus: [(label: String, times: CPUTimes)] = []
        for line in text.split(separator: "\n") where line.hasPrefix("cpu") {
            let fields = ProcFile.fields(line)
            guard fields.count >= 5 else { continue }
            let values = fields.dropFirst().prefix(8).map { UInt64($0) ?? 0 }
            func value(_ index: Int) -> UInt64 { index < values.count ? values[index] : 0 }
            let idle = value(3), iowait = value(4)
            let busy = value(0) + value(1) + value(2) + value(5) + value(6) + value(7)
            let name = fields[0].dropFirst(3)
            cpus.append((name.isEmpty ? "total" : String(name), CPUTimes(busy: busy, iowait: iowait, total: busy + idle + iowait)))
        }
        return cpus
    }

    static func parseMemory(_ text: String) -> [String: UInt64] {
        var memory: [String: UInt64] = [:]
        for line in text.split(separator: "\n") {
            let fields = ProcFile.fields(line)
            guard fields.count >= 2, fields[0].last == ":", let value = UInt64(fields[1]) else { continue }
            memory[String(fields[0].dropLast())] = fields.count >= 3 && fields[2] == "kB" ? value * 1024 : value
        }
        return memory
    }

    /// /proc/diskstats: `major minor name reads merged sectorsRead msRead writes merged
    /// sectorsWritten …`; sectors are 512 bytes whatever the device's own sector size.
    static func parseDisks(_ text: String, reported: Set<String>) -> [(device: String, counters: DiskCounters)] {
        var disks: [(device: String, counters: DiskCounters)] = []
        for line in text.split(separator: "\n") {
            let fields = ProcFile.fields(line)
            guard fields.count >= 10, reported.contains(String(fields[2])) else { continue }
            func value(_ index: Int) -> UInt64 { UInt64(fields[index]) ?? 0 }
            disks.append((String(fields[2]), DiskCounters(
                reads: value(3), readBytes: value(5) * 512, writes: value(7), writtenBytes: value(9) * 512)))
        }
        return disks
    }

    /// /proc/net/dev: two header lines, then `iface: rxBytes rxPackets … (8 rx) txBytes txPackets …`.
    static func parseNetworks(_ text: String) -> [(interface: String, counters: NetworkCounters)] {
        var networks: [(interface: String, counters: NetworkCounters)] = []
        for line in text.split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].trimmingPrefix(while: { $0 == " " })
            let fields = ProcFile.fields(line[line.index(after: colon)...])
            guard !name.isEmpty, fields.count >= 10 else { continue }
            func value(_ index: Int) -> UInt64 { UInt64(fields[index]) ?? 0 }
            networks.append((String(name), NetworkCounters(
                receivedBytes: value(0), receivedPackets: value(1), transmittedBytes: value(8), transmittedPackets: value(9))))
        }
        return networks
    }

    /// /proc/self/stat: after the command name in parentheses come the state (field 3), …,
    /// utime (14), stime (15), …, num_threads (20), …, rss in pages (24).
    mutating func readProcessStat(_ text: String) {
        guard let close = text.lastIndex(of: ")") else { return }
        let fields = ProcFile.fields(text[text.index(after: close)...])
        // fields[0] is field 3 (state), so field n is fields[n - 3].
        guard fields.count > 21 else { return }
        if let user = UInt64(fields[11]), let system = UInt64(fields[12]) { processTicks = user + system }
        processThreads = Int(fields[17])
        if let pages = UInt64(fields[21]) { processRSSBytes = pages * UInt64(sysconf(Int32(_SC_PAGESIZE))) }
    }
}
