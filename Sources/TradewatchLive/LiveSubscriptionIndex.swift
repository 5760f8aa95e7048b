import TradewatchCore

/// Subscriptions by table and, for filtered ones, by the value of one filtered column, so that a
/// row is only checked against the subscriptions that can want it: matching cost grows with the
/// number of interested subscriptions, not with the number of clients.
struct LiveSubscriptionIndex: Sendable {
    /// One table's subscriptions.
    struct Table: Sendable {
        var unfiltered: [LiveTarget] = []
        /// Indexed column → value → subscriptions indexed under that value.
        var keyed: [Int: [String: [LiveTarget]]] = [:]
        var isEmpty: Bool { unfiltered.isEmpty && keyed.isEmpty }
    }

    private(set) var tables = [Table](repeating: Table(), count: AnalyticsTable.allCases.count)
    private(set) var count = 0

    var isEmpty: Bool { count == 0 }

    subscript(table: AnalyticsTable) -> Table { tables[table.ordinal] }

    mutating func insert(_ target: LiveTarget) {
        let route = target.route
        if let column = route.indexColumn {
            for value in route.indexValues { tables[route.source.ordinal].keyed[column, default: [:]][value, default: []].append(target) }
        } else {
            tables[route.source.ordinal].unfiltered.append(target)
        }
        count += 1
    }

    mutating func remove(_ target: LiveTarget) {
        let route = target.route
        let table = route.source.ordinal
        if let column = route.indexColumn {
            for value in route.indexValues {
                tables[table].keyed[column]?[value]?.removeAll { $0.serial == target.serial }
                if tables[table].keyed[column]?[value]?.isEmpty == true { tables[table].keyed[column]?[value] = nil }
            }
            if tables[table].keyed[column]?.isEmpty == true { tables[table].keyed[column] = nil }
        } else {
            tables[table].unfiltered.removeAll { $0.serial == target.serial }
        }
        count -= 1
    }
}
