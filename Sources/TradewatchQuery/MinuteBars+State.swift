import Foundation
import TradewatchCore

extension MinuteBars {
    /// A symbol compared byte for byte, as DuckDB compares it (Swift's `String` equality would
    /// treat canonically equivalent spellings as one symbol).
    struct SymbolKey: Hashable {
        let text: String

        init(_ text: String) { self.text = text }

        static func == (left: SymbolKey, right: SymbolKey) -> Bool {
            let fast = left.text.utf8.withContiguousStorageIfAvailable { leftBytes in
                right.text.utf8.withContiguousStorageIfAvailable { rightBytes in
                    leftBytes.count == rightBytes.count
                        && (leftBytes.isEmpty || memcmp(leftBytes.baseAddress!, rightBytes.baseAddress!, leftBytes.count) == 0)
                }
            }
            return (fast ?? nil) ?? left.text.utf8.elementsEqual(right.text.utf8)
        }

        func hash(into hasher: inout Hasher) {
            let hashed: Void? = text.utf8.withContiguousStorageIfAvailable { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
            if hashed == nil {
                Array(text.utf8).withUnsafeBytes { hasher.combine(bytes: $0) }
            }
        }
    }

    struct StoredKey: Hashable {
        let symbol: SymbolKey
        let interval: String
    }

    /// The bars of one symbol, sorted by minute.
    final class Series {
        var bars: [MinuteBar] = []

        /// Adds a trade; returns whether a new bar was made.
        @inline(__always)
        func add(timestamp: Int64, minute: Int64, price: Double, quantity: Double) -> Bool {
            if let last = bars.last?.minute, minute >= last {
                if minute == last {
                    bars[bars.count - 1].add(timestamp: timestamp, price: price, quantity: quantity)
                    return false
                }
            } else if !bars.isEmpty {
                let index = firstIndex(atOrAfter: minute)
                if index < bars.count, bars[index].minute == minute {
                    bars[index].add(timestamp: timestamp, price: price, quantity: quantity)
                    return false
                }
                bars.insert(MinuteBar(timestamp: timestamp, price: price, quantity: quantity), at: index)
                return true
            }
            bars.append(MinuteBar(timestamp: timestamp, price: price, quantity: quantity))
            return true
        }

        /// Index of the first bar whose minute is at or after `minute`.
        func firstIndex(atOrAfter minute: Int64) -> Int {
            var low = 0, high = bars.count
            while low < high {
                let middle = (low + high) / 2
                if bars[middle].minute < minute { low = middle + 1 } else { high = middle }
            }
            return low
        }
    }

    struct State {
        var series: [SymbolKey: Series] = [:]
        var barCount = 0
        /// First minute covered; `.max` until loaded.
        var floor: Int64 = .max
        /// Newest trade minute seen.
        var newest: Int64 = .min
        /// Newest minute of a trade left out because its symbol was over the cap: symbols not
        /// held are not covered up to it.
        var untrackedThrough: Int64 = .min
        /// Earliest minute of a trade left out for being more than a day ahead of the clock.
        var futureFrom: Int64 = .max
        var ready = false
        var stale = false
        /// Bumped by every ``MinuteBars/markStale()``: a load that saw it change read rows that
        /// may since have been deleted, so it leaves the memory stale.
        var staleMarks = 0
        /// Commits that arrived during a load, applied after it when newer than what it read.
        var pending: [(sequence: Int64, batches: [ColumnarBatch])]?
        var appliedThrough: Int64 = 0
        var stored: Set<StoredKey> = []
        var storedOverflow = false
    }

    private static func texts(_ batch: ColumnarBatch, _ name: String) -> [String?]? {
        guard let column = batch.table.columnIndex(name), case .text(let slot) = batch.slots[column] else { return nil }
        return batch.texts[slot]
    }

    private static func doubles(_ batch: ColumnarBatch, _ name: String) -> [Double?]? {
        guard let column = batch.table.columnIndex(name), case .double(let slot) = batch.slots[column] else { return nil }
        return batch.doubles[slot]
    }

    func apply(_ batches: [ColumnarBatch], to state: inout State, now: Int64) {
        for batch in batches where batch.rowCount > 0 {
            switch batch.table {
            case .trades: fold(batch, into: &state, now: now)
            case .candles: noteStoredCandles(batch, in: &state)
            default: continue
            }
        }
    }

    private func fold(_ batch: ColumnarBatch, into state: inout State, now: Int64) {
        guard let symbols = Self.texts(batch, "symbol"), let prices = Self.doubles(batch, "price"),
            let quantities = Self.doubles(batch, "qty")
        else { return }
        let ceiling = MinuteBar.bucket(of: now) + 86_400_000_000_000
        var previous: (key: SymbolKey, series: Series?)?
        for row in 0..<batch.rowCount {
            let timestamp = batch.timestamps[row]
            let minute = MinuteBar.bucket(of: timestamp)
            guard minute >= state.floor else { continue }  // before the window: not covered anyway
            guard minute < ceiling else {
                state.futureFrom = min(state.futureFrom, minute)
                continue
            }
            let key = SymbolKey(symbols[row] ?? "")
            let series: Series?
            if let previous, previous.key == key {
                series = previous.series
            } else {
                series = state.series[key] ?? admit(key, in: &state)
                previous = (key, series)
            }
            guard let series else {
                state.untrackedThrough = max(state.untrackedThrough, minute)
                continue
            }
            if series.add(timestamp: timestamp, minute: minute, price: prices[row] ?? .nan, quantity: quantities[row] ?? 0) {
                state.barCount += 1
            }
            if minute > state.newest { state.newest = minute }
        }
    }

    /// A new series for `key`, unless the symbol cap is reached or trades of symbols left out
    /// earlier are still inside the window (a symbol admitted now would miss them).
    private func admit(_ key: SymbolKey, in state: inout State) -> Series? {
        guard state.series.count < configuration.maxSymbols, state.untrackedThrough < state.floor else { return nil }
        let series = Series()
        state.series[key] = series
        return series
    }

    private func noteStoredCandles(_ batch: ColumnarBatch, in state: inout State) {
        guard let symbols = Self.texts(batch, "symbol"), let intervals = Self.texts(batch, "interval") else {
            state.storedOverflow = true
            return
        }
        for row in 0..<batch.rowCount {
            state.stored.insert(StoredKey(symbol: SymbolKey(symbols[row] ?? ""), interval: intervals[row] ?? ""))
        }
        if state.stored.count > configuration.maxStoredSeries {
            state.stored.removeAll()
            state.storedOverflow = true
        }
    }

    /// Moves the window's start to the horizon (newest minute seen, at most a minute past `now`,
    /// less the window) and further while more than `maxBars` bars are held, evicting older bars.
    func advance(_ state: inout State, now: Int64) {
        guard state.newest != .min else { return }
        let newest = min(state.newest, MinuteBar.bucket(of: now) + MinuteBar.nanoseconds)
        var target = max(state.floor, newest - configuration.window + MinuteBar.nanoseconds)
        if target > state.floor { evict(below: target, in: &state) }
        while state.barCount > configuration.maxBars, state.floor <= state.newest {
            let step = max(MinuteBar.nanoseconds, MinuteBar.bucket(of: (state.newest - state.floor) / 8))
            target = state.floor + step
            evict(below: target, in: &state)
        }
    }

    func evict(below minute: Int64, in state: inout State) {
        state.floor = minute
        var emptied: [SymbolKey] = []
        for (key, series) in state.series {
            let count = series.firstIndex(atOrAfter: minute)
            guard count > 0 else { continue }
            series.bars.removeFirst(count)
            state.barCount -= count
            if series.bars.isEmpty { emptied.append(key) }
        }
        for key in emptied { state.series[key] = nil }
    }
}
