#if canImport(Glibc)
import Glibc
#endif

/// Reads the host's and the process's health from /proc and statvfs and turns two readings into
/// `system.*` and `process.*` metrics (README, "System metrics" lists them).
///
/// Gauges (memory, load, file system, RSS, threads, open files) are reported from the first
/// collection; rates (CPU usage, disk and network throughput, process CPU) from the second on,
/// over the time between the two readings. Counters that went backwards (a device re-attached,
/// a counter wrapped) give no rate for that interval rather than a nonsense one.
public struct SystemCollector: Sendable {
    /// The folder whose file system is reported (`system.filesystem.*{path=…}`).
    public let dataDirectory: String
    /// Block devices reported: whole disks from /sys/block that hold a medium, without loop and
    /// RAM disks (see ``isReportedDisk(name:sectors:)``).
    public let disks: Set<String>
    private var previous: SystemSnapshot?
    private let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))

    public init(dataDirectory: String) {
        self.dataDirectory = dataDirectory
        disks = Set(ProcFile.entries("/sys/block").filter { name in
            Self.isReportedDisk(name: name, sectors: ProcFile.read("/sys/block/\(name)/size", capacity: 64).flatMap(Self.sectors))
        })
    }

    /// The number in a /sys/block/<device>/size file (`"1048576\n"`).
    static func sectors(_ sizeFile: String) -> UInt64? {
        sizeFile.split(whereSeparator: \.isWhitespace).first.flatMap { UInt64($0) }
    }

    /// Name prefixes of block devices that are not storage: loop devices (files mounted as
    /// disks, counted again on the disk that holds the file), RAM disks (`ram*`, and `zram*`:
    /// compressed swap in memory) and floppy drives.
    static let virtualDiskPrefixes = ["loop", "zram", "ram", "fd"]

    /// Whether the block device `name` of /sys/block, `sectors` long (its `size`; `nil` when
    /// unreadable), is reported. Devices without a medium (0 sectors: an unconnected `nbd*`,
    /// an empty CD drive `sr*`, an unconfigured `zram*`) have no traffic worth a series.
    /// Device-mapper (`dm-*`, LVM and dm-crypt) and software RAID (`md*`) volumes are kept: they
    /// show the traffic as the file systems see it.
    static func isReportedDisk(name: String, sectors: UInt64?) -> Bool {
        !virtualDiskPrefixes.contains { name.hasPrefix($0) } && sectors != 0
    }

    /// Takes a reading and returns the metrics it gives.
    public mutating func collect() -> [SystemMetric] {
        let current = SystemSnapshot.read(disks: disks, dataDirectory: dataDirectory)
        defer { previous = current }
        var metrics = gauges(current)
        if let previous, current.monotonic > previous.monotonic {
            metrics += rates(from: previous, to: current)
        }
        return metrics
    }

    private func gauges(_ snapshot: SystemSnapshot) -> [SystemMetric] {
        var metrics: [SystemMetric] = []
        if let load = snapshot.load {
            metrics += [.init("system.load1", load.one), .init("system.load5", load.five), .init("system.load15", load.fifteen)]
        }
        let memory = snapshot.memory
        if let total = memory["MemTotal"], let available = memory["MemAvailable"] {
            let used = total >= available ? total - available : 0
            metrics += [
                .init("system.memory.total_bytes", Double(total)), .init("system.memory.available_bytes", Double(available)),
                .init("system.memory.used_bytes", Double(used)),
                .init("system.memory.used_percent", total > 0 ? 100 * Double(used) / Double(total) : 0),
            ]
        }
        if let total = memory["SwapTotal"], let free = memory["SwapFree"] {
            metrics += [
                .init("system.swap.total_bytes", Double(total)),
                .init("system.swap.used_bytes", Double(total >= free ? total - free : 0)),
            ]
        }
        if let fileSystem = snapshot.fileSystem {
            let path = ("path", dataDirectory)
            let used = fileSystem.total >= fileSystem.free ? fileSystem.total - fileSystem.free : 0
            // As df reports it: used against what non-root users can fill.
            let usable = used + fileSystem.available
            metrics += [
                .init("system.filesystem.total_bytes", Double(fileSystem.total), label: path),
                .init("system.filesystem.used_bytes", Double(used), label: path),
                .init("system.filesystem.available_bytes", Double(fileSystem.available), label: path),
                .init("system.filesystem.used_percent", usable > 0 ? 100 * Double(used) / Double(usable) : 0, label: path),
            ]
        }
        if let rss = snapshot.processRSSBytes { metrics.append(.init("process.rss_bytes", Double(rss))) }
        if let threads = snapshot.processThreads { metrics.append(.init("process.threads", Double(threads))) }
        metrics.append(.init("process.open_files", Double(snapshot.processOpenFiles)))
        return metrics
    }

    private func rates(from old: SystemSnapshot, to new: SystemSnapshot) -> [SystemMetric] {
        let seconds = Double(new.monotonic - old.monotonic) / 1e9
        var metrics: [SystemMetric] = []
        func rate(_ from: UInt64, _ to: UInt64) -> Double? { to >= from ? Double(to - from) / seconds : nil }
        func add(_ name: String, _ value: Double?, _ label: (String, String)) {
            if let value { metrics.append(.init(name, value, label: label)) }
        }
        let oldCPUs = Dictionary(old.cpus.map { ($0.label, $0.times) }, uniquingKeysWith: { first, _ in first })
        for (label, times) in new.cpus {
            guard let before = oldCPUs[label], times.total > before.total, times.busy >= before.busy,
                times.iowait >= before.iowait
            else { continue }
            let total = Double(times.total - before.total)
            add("system.cpu.usage_percent", min(100, 100 * Double(times.busy - before.busy) / total), ("cpu", label))
            add("system.cpu.iowait_percent", min(100, 100 * Double(times.iowait - before.iowait) / total), ("cpu", label))
        }
        let oldDisks = Dictionary(old.disks.map { ($0.device, $0.counters) }, uniquingKeysWith: { first, _ in first })
        for (device, counters) in new.disks {
            guard let before = oldDisks[device] else { continue }
            let label = ("device", device)
            add("system.disk.read_bytes_per_second", rate(before.readBytes, counters.readBytes), label)
            add("system.disk.write_bytes_per_second", rate(before.writtenBytes, counters.writtenBytes), label)
            add("system.disk.reads_per_second", rate(before.reads, counters.reads), label)
            add("system.disk.writes_per_second", rate(before.writes, counters.writes), label)
        }
        let oldNetworks = Dictionary(old.networks.map { ($0.interface, $0.counters) }, uniquingKeysWith: { first, _ in first })
        for (interface, counters) in new.networks {
            guard let before = oldNetworks[interface] else { continue }
            let label = ("interface", interface)
            add("system.network.receive_bytes_per_second", rate(before.receivedBytes, counters.receivedBytes), label)
            add("system.network.transmit_bytes_per_second", rate(before.transmittedBytes, counters.transmittedBytes), label)
            add("system.network.receive_packets_per_second", rate(before.receivedPackets, counters.receivedPackets), label)
            add("system.network.transmit_packets_per_second", rate(before.transmittedPackets, counters.transmittedPackets), label)
        }
        if let before = old.processTicks, let after = new.processTicks, after >= before {
            // Percent of one core: 200 means two cores busy.
            metrics.append(.init("process.cpu_percent", 100 * Double(after - before) / ticksPerSecond / seconds))
        }
        return metrics
    }
}
