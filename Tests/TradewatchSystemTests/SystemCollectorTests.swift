import Foundation
import Testing
import TradewatchCore
import TradewatchTestSupport
@testable import TradewatchSystem

/// The collector's values checked against what this machine says through other means.
@Suite("System collector on this machine")
struct SystemCollectorTests {
    /// Collects twice with some work in between, so that rates are present.
    private func twoCollections(in folder: TemporaryDirectory) async throws -> [SystemMetric] {
        var collector = SystemCollector(dataDirectory: folder.path)
        _ = collector.collect()
        var spin = 0.0
        let until = ContinuousClock.now + .milliseconds(150)
        while ContinuousClock.now < until { spin += sin(spin) + 1 }
        try await Task.sleep(for: .milliseconds(100))
        #expect(spin > 0)
        return collector.collect()
    }

    private func values(_ metrics: [SystemMetric], _ name: String) -> [String: Double] {
        Dictionary(metrics.filter { $0.name == name }.map { ($0.label?.value ?? "", $0.value) }, uniquingKeysWith: { $1 })
    }

    /// /proc/meminfo read the plain way, in bytes.
    private func meminfo(_ key: String) throws -> Double {
        let text = try String(contentsOfFile: "/proc/meminfo", encoding: .utf8)
        let line = try #require(text.split(separator: "\n").first { $0.hasPrefix(key + ":") })
        let kilobytes = try #require(Double(line.split(separator: " ")[1]))
        return kilobytes * 1024
    }

    @Test func cpuUsageIsAPercentagePerCoreAndInTotal() async throws {
        let folder = try TemporaryDirectory()
        let cpu = values(try await twoCollections(in: folder), "system.cpu.usage_percent")
        let cores = sysconf(Int32(_SC_NPROCESSORS_ONLN))
        #expect(cpu.count == cores + 1, "one series per online core plus the total: \(cpu.keys.sorted())")
        #expect(cpu["total"] != nil)
        for core in 0..<cores { #expect(cpu["\(core)"] != nil, "core \(core) missing") }
        for (label, value) in cpu { #expect((0...100).contains(value), "cpu \(label) = \(value)") }
        // This test kept a core busy for most of the interval.
        #expect(cpu["total"]! > 0)
    }

    @Test func memoryMatchesProcMeminfo() async throws {
        let folder = try TemporaryDirectory()
        let metrics = try await twoCollections(in: folder)
        #expect(values(metrics, "system.memory.total_bytes")[""] == (try meminfo("MemTotal")))
        #expect(values(metrics, "system.swap.total_bytes")[""] == (try meminfo("SwapTotal")))
        let total = try #require(values(metrics, "system.memory.total_bytes")[""])
        let available = try #require(values(metrics, "system.memory.available_bytes")[""])
        let used = try #require(values(metrics, "system.memory.used_bytes")[""])
        // Available moves between two reads; within 5% of the machine's memory is the same reading.
        #expect(abs(available - (try meminfo("MemAvailable"))) < total * 0.05)
        #expect(used + available == total)
        #expect((0...100).contains(try #require(values(metrics, "system.memory.used_percent")[""])))
        let load = try #require(values(metrics, "system.load1")[""])
        #expect(load >= 0)
    }

    @Test func fileSystemOfTheDataDirectoryMatchesFoundation() async throws {
        let folder = try TemporaryDirectory()
        let metrics = try await twoCollections(in: folder)
        let attributes = try FileManager.default.attributesOfFileSystem(forPath: folder.path)
        let size = try #require((attributes[.systemSize] as? NSNumber)?.doubleValue)
        #expect(values(metrics, "system.filesystem.total_bytes")[folder.path] == size)
        let used = try #require(values(metrics, "system.filesystem.used_bytes")[folder.path])
        #expect(used > 0 && used <= size)
        #expect((0...100).contains(try #require(values(metrics, "system.filesystem.used_percent")[folder.path])))
    }

    @Test func disksAreWholeDevicesAndNetworkIncludesLoopback() async throws {
        let folder = try TemporaryDirectory()
        let metrics = try await twoCollections(in: folder)
        let devices = Set(metrics.filter { $0.name.hasPrefix("system.disk.") }.compactMap { $0.label?.value })
        for device in devices {
            #expect(FileManager.default.fileExists(atPath: "/sys/block/\(device)"), "\(device) is not a whole disk")
            #expect(!["loop", "ram", "zram"].contains { device.hasPrefix($0) }, "\(device) is not storage")
        }
        let received = values(metrics, "system.network.receive_bytes_per_second")
        #expect(received["lo"] != nil, "interfaces: \(received.keys.sorted())")
        for (_, value) in received { #expect(value >= 0) }
    }

    @Test func onlyStorageDevicesWithAMediumAreReportedAsDisks() {
        let sectors: UInt64 = 536_870_912
        for name in ["vda", "sda", "nvme0n1", "xvda", "mmcblk0", "dm-0", "md127", "nbd0", "sr0"] {
            #expect(SystemCollector.isReportedDisk(name: name, sectors: sectors), "\(name) should be reported")
        }
        for name in ["loop0", "loop12", "ram0", "zram0", "zram1", "fd0"] {
            #expect(!SystemCollector.isReportedDisk(name: name, sectors: sectors), "\(name) is not storage")
        }
        // No medium: an unconnected network block device, an empty CD drive.
        #expect(!SystemCollector.isReportedDisk(name: "nbd3", sectors: 0))
        #expect(!SystemCollector.isReportedDisk(name: "sr0", sectors: 0))
        // A size that cannot be read does not hide a disk.
        #expect(SystemCollector.isReportedDisk(name: "vdb", sectors: nil))
        #expect(SystemCollector.sectors("0\n") == 0)
        #expect(SystemCollector.sectors("536870912\n") == 536_870_912)
        #expect(SystemCollector.sectors("") == nil)
    }

    /// Open descriptors of this process, counted the plain way.
    private func openDescriptors() throws -> Int {
        try FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count
    }

    @Test func processValuesFollowWhatTheProcessDoes() async throws {
        let folder = try TemporaryDirectory()
        var collector = SystemCollector(dataDirectory: folder.path)
        let before = values(collector.collect(), "process.open_files")[""] ?? 0
        // Other tests of this process open and close files meanwhile: 200 files stand out of that.
        let handles = try (0..<200).map { index in
            let path = folder.path("file-\(index)")
            #expect(FileManager.default.createFile(atPath: path, contents: Data()))
            return try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
        }
        let counted = try openDescriptors()
        let metrics = collector.collect()
        let countedAfter = try openDescriptors()
        try handles.forEach { try $0.close() }
        let reported = values(metrics, "process.open_files")[""] ?? 0
        #expect(reported >= before + 100, "open files \(before) then \(reported) after opening 200")
        // The reading agrees with a count of /proc/self/fd taken just around it (the directory
        // listing itself holds one descriptor while it runs).
        #expect(reported >= Double(min(counted, countedAfter) - 20) && reported <= Double(max(counted, countedAfter) + 20))
        let status = try String(contentsOfFile: "/proc/self/status", encoding: .utf8)
        let rssLine = try #require(status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") })
        let rss = try #require(Double(rssLine.split(separator: " ", omittingEmptySubsequences: true)[1])) * 1024
        let reportedRSS = try #require(values(metrics, "process.rss_bytes")[""])
        #expect(abs(reportedRSS - rss) < rss * 0.5, "rss \(reportedRSS) against VmRSS \(rss)")
        #expect((values(metrics, "process.threads")[""] ?? 0) >= 1)
        #expect((values(metrics, "process.cpu_percent")[""] ?? -1) >= 0)
    }

    @Test func batchHoldsOneMetricsRowPerFiniteValueWithItsLabel() throws {
        let batch = SystemMetric.batch(
            [.init("system.load1", 0.5), .init("system.cpu.usage_percent", 12.5, label: ("cpu", "total")),
             .init("system.broken", .nan)],
            timestamp: 1_700_000_000_000_000_000)
        #expect(batch.table == .metrics)
        #expect(batch.rowCount == 2)
        let name = try #require(AnalyticsTable.metrics.columnIndex("name"))
        #expect(batch.value(row: 1, column: name) == .text("system.cpu.usage_percent"))
        #expect(batch.value(row: 1, column: AnalyticsTable.metrics.labelsIndex) == .text(#"{"cpu":"total"}"#))
        #expect(batch.value(row: 0, column: AnalyticsTable.metrics.labelsIndex) == .text(nil))
        #expect(batch.timestamps == [1_700_000_000_000_000_000, 1_700_000_000_000_000_000])
    }
}
