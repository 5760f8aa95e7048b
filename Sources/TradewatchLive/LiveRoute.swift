import TradewatchCore

/// A subscription checked and compiled for matching: the table its rows come from, its filter as
/// column positions, the column it is indexed by, and for live candles the bar to build.
struct LiveRoute: Sendable {
    /// The table whose committed rows feed the subscription (`trades` for live candles).
    let source: AnalyticsTable
    /// Every condition a row must meet: the text at `column` is one of `values`.
    let conditions: [(column: Int, values: Set<String>)]
    /// The condition the hub indexes the subscription by; `nil`: the subscription takes every row.
    let indexColumn: Int?
    /// The values the subscription is indexed under (those of `indexColumn`).
    let indexValues: Set<String>
    /// The filter names only the indexed column: a row found under one of its values matches
    /// without a re-check.
    let filtersOnlyIndexColumn: Bool
    let candles: (symbol: String, interval: Int64)?

    /// Columns worth indexing by, most selective first.
    private static let indexPreference = ["symbol", "name", "strategy", "order_id", "correlation_id", "service", "level"]

    init(_ subscription: LiveSubscription) throws(LiveError) {
        guard !subscription.id.isEmpty else { throw LiveError("a subscription needs a non-empty id") }
        var candles: (symbol: String, interval: Int64)?
        if subscription.table == .candles {
            guard let interval = subscription.interval, interval > 0 else {
                throw LiveError("candles subscription '\(subscription.id)' needs an interval")
            }
            guard let symbols = subscription.filter.columns["symbol"], symbols.count == 1, let symbol = symbols.first
            else { throw LiveError("candles subscription '\(subscription.id)' needs exactly one symbol") }
            candles = (symbol, interval)
            source = .trades
        } else {
            guard subscription.interval == nil else {
                throw LiveError("subscription '\(subscription.id)': an interval applies to candles subscriptions only")
            }
            source = subscription.table
        }
        var conditions: [(column: Int, values: Set<String>)] = []
        for (name, values) in subscription.filter.columns.sorted(by: { $0.key < $1.key }) {
            guard let column = source.columnIndex(name) else {
                throw LiveError("subscription '\(subscription.id)': table \(source.rawValue) has no column '\(name)' to filter on")
            }
            guard source.columns[column].kind == .text else {
                throw LiveError("subscription '\(subscription.id)': column '\(name)' is not text; only text columns can be filtered")
            }
            guard !values.isEmpty else {
                throw LiveError("subscription '\(subscription.id)': filter '\(name)' needs at least one value")
            }
            conditions.append((column, values))
        }
        self.conditions = conditions
        self.candles = candles
        let columns = source.columns
        let preferred = Self.indexPreference.lazy.compactMap { name in
            conditions.first { columns[$0.column].name == name }
        }.first
        let indexColumn = (preferred ?? conditions.first)?.column
        self.indexColumn = indexColumn
        indexValues = conditions.first { $0.column == indexColumn }?.values ?? []
        filtersOnlyIndexColumn = conditions.count == 1
    }

    /// Whether row `row` of `batch` (of the source table) passes every condition.
    func matches(_ batch: ColumnarBatch, row: Int) -> Bool {
        for condition in conditions {
            guard let text = batch.text(row: row, column: condition.column), condition.values.contains(text) else {
                return false
            }
        }
        return true
    }
}
