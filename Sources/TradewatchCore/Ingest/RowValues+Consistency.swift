extension RowValues {
    /// What makes a complete row contradict itself, or nil when it does not; checked after its
    /// columns are set, before it is stored. Candles only: the high is not below the low, and
    /// the open and the close lie between them. Example: `high 99.5 is below low 100`.
    public var inconsistency: String? {
        guard table == .candles,
            let open = double("open"), let high = double("high"), let low = double("low"), let close = double("close")
        else { return nil }
        return Self.candleInconsistency(open: open, high: high, low: low, close: close)
    }

    /// The candle rule on its own, for producers that check before they send.
    public static func candleInconsistency(open: Double, high: Double, low: Double, close: Double) -> String? {
        if high < low { return "high \(Self.format(high)) is below low \(Self.format(low))" }
        for (name, value) in [("open", open), ("close", close)] where value < low || value > high {
            return "\(name) \(Self.format(value)) is outside low \(Self.format(low)) to high \(Self.format(high))"
        }
        return nil
    }

    private func double(_ name: String) -> Double? {
        guard let column = table.columnIndex(name), case .double(let slot) = slots[column] else { return nil }
        return doubles[slot]
    }

    /// `100` rather than `100.0`, `99.5` as is.
    private static func format(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }
}
