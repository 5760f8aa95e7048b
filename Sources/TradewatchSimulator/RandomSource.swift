#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// xoshiro256** (Blackman and Vigna) seeded through SplitMix64: a small, fast generator whose
/// sequence depends only on its seed, so a simulation replays exactly. The system generator is
/// never used. Distributions are computed here too, rather than by the standard library's
/// `random(in:using:)`, whose algorithm is not promised to stay the same.
struct RandomSource: Sendable {
    private var state: (UInt64, UInt64, UInt64, UInt64)

    /// A generator for one independent stream of a seed (the market and the strategies draw
    /// from different streams, so switching strategies off leaves the market unchanged).
    init(seed: UInt64, stream: UInt64) {
        var mixer = SplitMix64(state: seed ^ (stream &* 0xD6E8_FEB8_6659_FD93))
        state = (mixer.next(), mixer.next(), mixer.next(), mixer.next())
    }

    mutating func next() -> UInt64 {
        let result = rotateLeft(state.1 &* 5, 7) &* 9
        let shifted = state.1 << 17
        state.2 ^= state.0
        state.3 ^= state.1
        state.1 ^= state.2
        state.0 ^= state.3
        state.2 ^= shifted
        state.3 = rotateLeft(state.3, 45)
        return result
    }

    /// Uniform in [0, 1).
    mutating func uniform() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// Uniform in (0, 1]: safe to take the logarithm of.
    mutating func uniformPositive() -> Double { Double((next() >> 11) + 1) * 0x1.0p-53 }

    mutating func uniform(_ low: Double, _ high: Double) -> Double { low + (high - low) * uniform() }

    mutating func chance(_ probability: Double) -> Bool { uniform() < probability }

    /// An index in 0..<count, without modulo bias worth speaking of (Lemire's multiply-high).
    mutating func index(below count: Int) -> Int {
        Int(truncatingIfNeeded: next().multipliedFullWidth(by: UInt64(count)).high)
    }

    /// Standard normal, by the Box-Muller transform.
    mutating func normal() -> Double {
        let radius = (-2 * log(uniformPositive())).squareRoot()
        return radius * cos(2 * Double.pi * uniform())
    }

    mutating func exponential(mean: Double) -> Double { -mean * log(uniformPositive()) }

    /// Log-normal with the given median and log-space standard deviation.
    mutating func logNormal(median: Double, sigma: Double) -> Double { median * exp(sigma * normal()) }

    /// `count` lowercase hexadecimal digits (at most 16).
    mutating func hexadecimal(digits count: Int) -> String {
        let text = String(next(), radix: 16)
        let padded = String(repeating: "0", count: max(0, 16 - text.count)) + text
        return String(padded.prefix(count))
    }

    private func rotateLeft(_ value: UInt64, _ amount: UInt64) -> UInt64 {
        (value << amount) | (value >> (64 - amount))
    }
}

/// SplitMix64 (Steele, Lea and Flood): turns one 64-bit seed into well-mixed words.
struct SplitMix64 {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }
}
