import Foundation
import Testing
@testable import TradewatchSystem

/// The /proc parsers on fixed text, including the awkward cases real machines produce.
@Suite("Parsing /proc files")
struct ProcParsingTests {
    @Test func cpuLinesGiveBusyAndTotalJiffies() {
        let text = """
            cpu  100 5 50 1000 20 3 2 1 0 0
            cpu0 60 5 30 500 10 2 1 1 0 0
            cpu1 40 0 20 500 10 1 1 0 0 0
            intr 12345 0 0
            ctxt 999
            """
        let cpus = SystemSnapshot.parseCPUs(text)
        #expect(cpus.map(\.label) == ["total", "0", "1"])
        // busy = user + nice + system + irq + softirq + steal; total adds idle and iowait.
        #expect(cpus[0].times.busy == 100 + 5 + 50 + 3 + 2 + 1)
        #expect(cpus[0].times.total == 161 + 1000 + 20)
        #expect(cpus[0].times.iowait == 20)
    }

    @Test func processStatSurvivesACommandNameWithSpacesAndParentheses() {
        // Fields after the name: state ppid pgrp session tty tpgid flags minflt cminflt majflt
        // cmajflt utime stime cutime cstime priority nice num_threads itrealvalue starttime vsize rss.
        let text = "4242 (my (odd) name) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 7 0 123 456789 1000 184467"
        var snapshot = SystemSnapshot()
        snapshot.readProcessStat(text)
        #expect(snapshot.processTicks == 300)
        #expect(snapshot.processThreads == 7)
        #expect(snapshot.processRSSBytes == 1000 * UInt64(sysconf(Int32(_SC_PAGESIZE))))
    }

    @Test func networkLinesSkipHeadersAndReadReceiveAndTransmit() {
        let text = """
            Inter-|   Receive                                                |  Transmit
             face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
                lo: 1000      10    0    0    0     0          0         0     1000      10    0    0    0     0       0          0
              eth0:123456789 98765    0    0    0     0          0         0  5555555   4444    0    0    0     0       0          0
            """
        let networks = SystemSnapshot.parseNetworks(text)
        #expect(networks.map(\.interface) == ["lo", "eth0"])
        #expect(networks[1].counters.receivedBytes == 123_456_789)
        #expect(networks[1].counters.receivedPackets == 98_765)
        #expect(networks[1].counters.transmittedBytes == 5_555_555)
        #expect(networks[1].counters.transmittedPackets == 4_444)
    }

    @Test func diskLinesKeepOnlyReportedDevicesInBytes() {
        let text = """
               8       0 sda 100 0 2048 10 50 0 4096 20 0 30 30 0 0 0 0
               8       1 sda1 90 0 1024 10 40 0 2048 20 0 30 30 0 0 0 0
               7       0 loop0 5 0 10 0 0 0 0 0 0 0 0 0 0 0 0
            """
        let disks = SystemSnapshot.parseDisks(text, reported: ["sda"])
        #expect(disks.count == 1)
        #expect(disks[0].device == "sda")
        #expect(disks[0].counters.readBytes == 2048 * 512)
        #expect(disks[0].counters.writtenBytes == 4096 * 512)
        #expect(disks[0].counters.reads == 100 && disks[0].counters.writes == 50)
    }

    @Test func memoryValuesAreBytes() {
        let memory = SystemSnapshot.parseMemory("MemTotal:       16384 kB\nMemAvailable:    8192 kB\nHugePages_Total:       0\n")
        #expect(memory["MemTotal"] == 16384 * 1024)
        #expect(memory["MemAvailable"] == 8192 * 1024)
        #expect(memory["HugePages_Total"] == 0)
    }
}
