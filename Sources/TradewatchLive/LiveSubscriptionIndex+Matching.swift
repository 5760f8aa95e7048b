import TradewatchCore

extension LiveSubscriptionIndex.Table {
    /// Every subscription that wants rows of `batch`, with the row numbers it wants in row order,
    /// ordered by the first row each wants.
    ///
    /// Per commit, not per row: the rows are grouped once by each indexed column's text, then
    /// each group is handed whole to the subscriptions indexed under its value (shared, not
    /// copied, when the filter names only that column, as a one-symbol subscription does).
    func matches(in batch: ColumnarBatch) -> [(target: LiveTarget, rows: [Int])] {
        var matches: [(target: LiveTarget, rows: [Int])] = []
        if !unfiltered.isEmpty {
            let every = Array(0..<batch.rowCount)
            for target in unfiltered { matches.append((target, every)) }
        }
        // Targets indexed under several values collect rows from several groups.
        var merged: [Int: Int] = [:]
        for (column, byValue) in keyed {
            for (value, rows) in batch.rowsGroupedByText(column: column) {
                guard let targets = byValue[value] else { continue }
                for target in targets {
                    let route = target.route
                    let wanted = route.filtersOnlyIndexColumn ? rows : rows.filter { route.matches(batch, row: $0) }
                    guard !wanted.isEmpty else { continue }
                    if route.indexValues.count == 1 {
                        matches.append((target, wanted))
                    } else if let position = merged[target.serial] {
                        matches[position].rows += wanted
                    } else {
                        merged[target.serial] = matches.count
                        matches.append((target, wanted))
                    }
                }
            }
        }
        for position in merged.values { matches[position].rows.sort() }
        // The order a row-by-row match gave: a connection's subscriptions queue their frames in it.
        matches.sort { $0.rows[0] < $1.rows[0] }
        return matches
    }
}
