import Foundation

/// Addresses only this machine can reach: 127.0.0.0/8, `::1` and `localhost`.
public enum LoopbackHost {
    public static func contains(_ host: String) -> Bool {
        var host = host.lowercased()
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        if host == "localhost" || host.hasSuffix(".localhost") { return true }
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        if octets.count == 4, octets.allSatisfy({ UInt8($0) != nil }), octets[0] == "127" { return true }
        return isIPv6Loopback(host)
    }

    /// `::1` in any spelling (`0:0:0:0:0:0:0:1`, `::0001`).
    private static func isIPv6Loopback(_ host: String) -> Bool {
        guard host.contains(":") else { return false }
        let halves = host.components(separatedBy: "::")
        guard halves.count == 1 || halves.count == 2 && !halves[1].isEmpty else { return false }
        let groups = halves.map { $0.isEmpty ? [] : $0.split(separator: ":", omittingEmptySubsequences: false) }
        let all = groups.flatMap { $0 }
        guard all.allSatisfy({ (1...4).contains($0.count) && UInt16($0, radix: 16) != nil }) else { return false }
        let values = all.map { UInt16($0, radix: 16)! }
        guard halves.count == 2 ? values.count < 8 : values.count == 8 else { return false }
        // "::" stands for zeros before the last group, which must be given ("1::" is not loopback).
        return values.last == 1 && values.dropLast().allSatisfy { $0 == 0 }
    }
}
