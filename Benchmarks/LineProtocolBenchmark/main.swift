// Measures LineProtocolParser on a trades workload, single-threaded:
//     line-protocol-benchmark [lines]     (default 2,000,000 lines, 5 rounds)
// Each round parses the whole buffer, reads every field value and maps the symbol tag to an id
// the way an ingest path would (hash the raw bytes, then confirm the match), so the work the
// parser defers to its callers is counted too.
import TradewatchCore

/// SplitMix64: deterministic, so every run parses the same bytes.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }
}

func append(_ value: UInt64, minimumDigits: Int = 1, to bytes: inout [UInt8]) {
    var digits: [UInt8] = []
    var rest = value
    repeat {
        digits.append(UInt8(ascii: "0") + UInt8(rest % 10))
        rest /= 10
    } while rest > 0 || digits.count < minimumDigits
    bytes.append(contentsOf: digits.reversed())
}

let symbols = (0..<200).map { "SYM" + String(repeating: "0", count: $0 < 10 ? 2 : $0 < 100 ? 1 : 0) + "\($0)" }

/// `trades,symbol=SYM123,venue=XNAS,side=buy price=187.25,qty=100i,trade_id="t000123" 1767225600000000123`
func tradesWorkload(lines: Int) -> [UInt8] {
    let venues = ["XNAS", "XNYS", "ARCX", "BATS"]
    var random = SeededGenerator(state: 2026)
    var bytes: [UInt8] = []
    bytes.reserveCapacity(lines * 110)
    for index in 0..<lines {
        bytes.append(contentsOf: "trades,symbol=\(symbols[Int.random(in: 0..<200, using: &random)])".utf8)
        bytes.append(contentsOf: ",venue=\(venues[Int.random(in: 0..<4, using: &random)])".utf8)
        bytes.append(contentsOf: (Bool.random(using: &random) ? ",side=buy price=" : ",side=sell price=").utf8)
        append(UInt64.random(in: 1...999, using: &random), to: &bytes)
        bytes.append(UInt8(ascii: "."))
        append(UInt64.random(in: 0...99, using: &random), minimumDigits: 2, to: &bytes)
        bytes.append(contentsOf: ",qty=".utf8)
        append(UInt64.random(in: 1...5_000, using: &random), to: &bytes)
        bytes.append(contentsOf: "i,trade_id=\"t".utf8)
        append(UInt64(index), minimumDigits: 7, to: &bytes)
        bytes.append(contentsOf: "\" ".utf8)
        append(1_767_225_600_000_000_000 + UInt64(index) * 1_000 + UInt64.random(in: 0..<1_000, using: &random), to: &bytes)
        bytes.append(UInt8(ascii: "\n"))
    }
    return bytes
}

func fnv1a(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
    var hash: UInt64 = 0xCBF2_9CE4_8422_2325
    for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01B3 }
    return hash
}

/// Symbol ids by hash slot (-1 for none): the map an ingest path keeps from tag bytes to ids.
let slotCount = 4096
let symbolSlots: [Int] = {
    var slots = [Int](repeating: -1, count: slotCount)
    for (id, symbol) in symbols.enumerated() {
        var slot = Array(symbol.utf8).withUnsafeBytes { Int(fnv1a($0) % UInt64(slotCount)) }
        while slots[slot] >= 0 { slot = (slot + 1) % slotCount }
        slots[slot] = id
    }
    return slots
}()

let lineCount = CommandLine.arguments.dropFirst().first.flatMap { Int($0) } ?? 2_000_000
let input = tradesWorkload(lines: lineCount)
let megabytes = Double(input.count) / 1_000_000
print("trades workload: \(lineCount) lines, \(input.count) bytes (\(input.count / max(lineCount, 1)) bytes/line)")

let parser = LineProtocolParser(precision: .nanoseconds, defaultTimestamp: 0)
var linesPerSecond: [Double] = []
for round in 1...5 {
    var mappedSymbols = 0, symbolIDSum = 0
    var floatSum = 0.0, integerSum: Int64 = 0, stringBytes = 0, timestampSum: Int64 = 0, parsed = 0
    let start = ContinuousClock.now
    try input.withUnsafeBytes { buffer in
        try parser.parse(buffer) { line in
            parsed += 1
            timestampSum &+= line.timestamp
            for tag in 0..<line.tagCount where line.token(line.tagKey(tag), equals: "symbol") {
                let value = line.tagValue(tag)
                var slot = line.withRawBytes(value) { Int(fnv1a($0) % UInt64(slotCount)) }
                while case let id = symbolSlots[slot], id >= 0 {
                    if line.token(value, equals: symbols[id]) {
                        mappedSymbols += 1
                        symbolIDSum += id
                        break
                    }
                    slot = (slot + 1) % slotCount
                }
                break
            }
            for field in 0..<line.fieldCount {
                switch line.fieldValue(field) {
                case .float(let value): floatSum += value
                case .integer(let value): integerSum &+= value
                case .unsigned(let value): integerSum &+= Int64(truncatingIfNeeded: value)
                case .string(let value): stringBytes += value.utf8.count
                case .boolean(let value): integerSum &+= value ? 1 : 0
                }
            }
        }
    }
    let seconds = Double((ContinuousClock.now - start) / .nanoseconds(1)) / 1e9
    precondition(parsed == lineCount && mappedSymbols == lineCount, "every line and symbol must be seen")
    linesPerSecond.append(Double(lineCount) / seconds)
    print(
        "round \(round): \(Int(Double(lineCount) / seconds)) lines/s, \(Int(megabytes / seconds)) MB/s "
            + "(checksum \(Int64(floatSum)) \(integerSum) \(stringBytes) \(timestampSum) \(symbolIDSum))"
    )
}
let median = linesPerSecond.sorted()[linesPerSecond.count / 2]
print("median: \(Int(median)) lines/s, \(Int(median * megabytes / Double(lineCount))) MB/s")
