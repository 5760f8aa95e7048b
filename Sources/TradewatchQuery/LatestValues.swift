import DuckDB
import Foundation
import Synchronization
public import TradewatchCore
public import TradewatchStorage

/// The last value of every metric series (per name, symbol and label set, so `cpu=0` and `cpu=1`
/// of one name are two series) and the last trade of every symbol,
/// kept in memory: loaded once at startup, then updated from each commit. Answers
/// `/api/v1/metrics/latest` and `/api/v1/trades/latest` without touching DuckDB, however large
/// the tables grow. "Last" is by timestamp: a late row older than the one held changes nothing.
public final class LatestValues: Sendable {
    public struct MetricKey: Hashable, Sendable {
        public let name: String
        public let symbol: String?
        /// The labels as stored (a JSON object), if any: part of what tells series apart.
        public let labels: String?
    }

    public struct Metric: Sendable {
        public let timestamp: Int64
        public let value: Double
        /// The labels as stored (a JSON object), if any.
        public let labels: String?
    }

    public struct Trade: Sendable {
        public let timestamp: Int64
        public let price: Double
        public let quantity: Double
        public let venue: String?
        public let side: String?
        public let tradeID: String?
    }

    private struct State {
        var metrics: [MetricKey: Metric] = [:]
        var trades: [String: Trade] = [:]
        /// Bumped by every change, so answers built from the values can be kept until then.
        var generation: UInt64 = 0
    }

    private let state = Mutex(State())

    public init() {}

    /// Changes whenever a value changes: an answer built at one generation is current while the
    /// generation stays the same.
    public var generation: UInt64 { state.withLock { $0.generation } }

    /// Number of metric series and trade symbols held.
    public var count: (metrics: Int, trades: Int) { state.withLock { ($0.metrics.count, $0.trades.count) } }

    /// Reads the latest rows of the DuckDB tables (one pass over metrics and trades): rows of
    /// archived days are left to ``loadArchived(from:)``, which may take longer.
    public func load(from store: AnalyticsStore) async throws {
        try await load(from: store, relations: .live)
    }

    /// Reads the latest rows of archived days too (the `_all` views), so that a series or symbol
    /// whose rows are all older than the hot period keeps its latest value across restarts.
    /// Does nothing while neither table has archived days; otherwise one scan of the archive's
    /// needed columns. Values already held win when newer (commits recorded meanwhile).
    /// Returns whether it read the archive.
    @discardableResult
    public func loadArchived(from store: AnalyticsStore) async throws -> Bool {
        guard store.archiveCatalog.reaches([.metrics, .trades], over: nil) else { return false }
        try await load(from: store, relations: .withArchive)
        return true
    }

    private func load(from store: AnalyticsStore, relations: SourceRelations) async throws {
        let (metricsTable, tradesTable) = (relations(.metrics), relations(.trades))
        let (metrics, trades) = try await store.read { connection in
            var metrics: [MetricKey: Metric] = [:]
            try connection.query("""
                SELECT name, symbol, epoch_ns(max(ts)), arg_max(value, ts), labels::VARCHAR
                FROM \(metricsTable) GROUP BY name, symbol, labels::VARCHAR
                """).forEachChunk { chunk in
                let names = try chunk.column(0, as: String.self), symbols = try chunk.column(1, as: String.self)
                let times = try chunk.column(2, as: Int64.self), values = try chunk.column(3, as: Double.self)
                let labels = try chunk.column(4, as: String.self)
                for row in 0..<chunk.count {
                    metrics[MetricKey(name: names[row] ?? "", symbol: symbols[row], labels: labels[row])] = Metric(
                        timestamp: times[row] ?? 0, value: values[row] ?? .nan, labels: labels[row])
                }
            }
            var trades: [String: Trade] = [:]
            try connection.query("""
                SELECT symbol, epoch_ns(max(ts)), arg_max(price, ts), arg_max(qty, ts), arg_max(venue, ts),
                    arg_max(side, ts), arg_max(trade_id, ts)
                FROM \(tradesTable) GROUP BY symbol
                """).forEachChunk { chunk in
                let symbols = try chunk.column(0, as: String.self), times = try chunk.column(1, as: Int64.self)
                let prices = try chunk.column(2, as: Double.self), quantities = try chunk.column(3, as: Double.self)
                let venues = try chunk.column(4, as: String.self), sides = try chunk.column(5, as: String.self)
                let ids = try chunk.column(6, as: String.self)
                for row in 0..<chunk.count {
                    trades[symbols[row] ?? ""] = Trade(
                        timestamp: times[row] ?? 0, price: prices[row] ?? .nan, quantity: quantities[row] ?? 0,
                        venue: venues[row], side: sides[row], tradeID: ids[row])
                }
            }
            return (metrics, trades)
        }
        state.withLock { state in
            state.generation &+= 1
            state.metrics.merge(metrics) { current, loaded in current.timestamp >= loaded.timestamp ? current : loaded }
            state.trades.merge(trades) { current, loaded in current.timestamp >= loaded.timestamp ? current : loaded }
        }
    }

    /// Takes in the rows of a commit.
    public func record(_ batches: [ColumnarBatch]) {
        for batch in batches {
            switch batch.table {
            case .metrics: recordMetrics(batch)
            case .trades: recordTrades(batch)
            default: continue
            }
        }
    }

    private func text(_ batch: ColumnarBatch, _ name: String) -> [String?]? {
        guard let column = batch.table.columnIndex(name), case .text(let slot) = batch.slots[column] else { return nil }
        return batch.texts[slot]
    }

    private func double(_ batch: ColumnarBatch, _ name: String) -> [Double?]? {
        guard let column = batch.table.columnIndex(name), case .double(let slot) = batch.slots[column] else { return nil }
        return batch.doubles[slot]
    }

    private func recordMetrics(_ batch: ColumnarBatch) {
        guard let names = text(batch, "name"), let symbols = text(batch, "symbol"), let values = double(batch, "value"),
            case .text(let labelSlot) = batch.slots[batch.table.labelsIndex]
        else { return }
        let labels = batch.texts[labelSlot]
        state.withLock { state in
            state.generation &+= 1
            for row in 0..<batch.rowCount {
                let key = MetricKey(name: names[row] ?? "", symbol: symbols[row], labels: labels[row])
                let timestamp = batch.timestamps[row]
                if let current = state.metrics[key], current.timestamp > timestamp { continue }
                state.metrics[key] = Metric(timestamp: timestamp, value: values[row] ?? .nan, labels: labels[row])
            }
        }
    }

    private func recordTrades(_ batch: ColumnarBatch) {
        guard let symbols = text(batch, "symbol"), let prices = double(batch, "price"),
            let quantities = double(batch, "qty"), let venues = text(batch, "venue"), let sides = text(batch, "side"),
            let ids = text(batch, "trade_id")
        else { return }
        state.withLock { state in
            state.generation &+= 1
            for row in 0..<batch.rowCount {
                let symbol = symbols[row] ?? ""
                let timestamp = batch.timestamps[row]
                if let current = state.trades[symbol], current.timestamp > timestamp { continue }
                state.trades[symbol] = Trade(
                    timestamp: timestamp, price: prices[row] ?? .nan, quantity: quantities[row] ?? 0,
                    venue: venues[row], side: sides[row], tradeID: ids[row])
            }
        }
    }

    /// Latest metrics matching every filter given, sorted by name, then symbol, then labels.
    public func metrics(
        names: [String] = [], prefix: String? = nil, symbols: [String] = [], labels: [(key: String, value: String)] = []
    ) -> [(key: MetricKey, value: Metric)] {
        let all = state.withLock { $0.metrics }
        return all.filter { key, value in
            (names.isEmpty || names.contains(key.name)) && (prefix.map { key.name.hasPrefix($0) } ?? true)
                && (symbols.isEmpty || key.symbol.map(symbols.contains) == true)
                && (labels.isEmpty || Self.matches(value.labels, labels))
        }
        .map { (key: $0.key, value: $0.value) }
        .sorted { left, right in
            if left.key.name != right.key.name { return left.key.name < right.key.name }
            if left.key.symbol != right.key.symbol { return (left.key.symbol ?? "") < (right.key.symbol ?? "") }
            return (left.key.labels ?? "") < (right.key.labels ?? "")
        }
    }

    /// Latest trades of `symbols` (all symbols when empty), sorted by symbol.
    public func trades(symbols: [String] = []) -> [(symbol: String, trade: Trade)] {
        let all = state.withLock { state in
            symbols.isEmpty ? state.trades : state.trades.filter { symbols.contains($0.key) }
        }
        return all.map { (symbol: $0.key, trade: $0.value) }.sorted { $0.symbol < $1.symbol }
    }

    private static func matches(_ labels: String?, _ wanted: [(key: String, value: String)]) -> Bool {
        guard let labels, let object = try? JSONSerialization.jsonObject(with: Data(labels.utf8)) as? [String: Any]
        else { return false }
        return wanted.allSatisfy { label in
            switch object[label.key] {
            case let text as String: text == label.value
            case let number as NSNumber: number.stringValue == label.value
            default: false
            }
        }
    }
}
