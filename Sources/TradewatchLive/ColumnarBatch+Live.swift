import TradewatchCore

extension ColumnarBatch {
    /// Row numbers grouped by the text of column `column` (NULLs left out), each group in row
    /// order; empty for a column that is not text.
    ///
    /// The live hub matches a commit's rows to subscriptions keyed by one column: grouping once
    /// costs one dictionary insert per row, where looking up every row's value for every
    /// subscription cost a `Value` (and its string) per row and subscription.
    func rowsGroupedByText(column: Int) -> [String: [Int]] {
        guard case .text(let slot) = slots[column] else { return [:] }
        var groups: [String: [Int]] = [:]
        for (row, value) in texts[slot].enumerated() {
            guard let value else { continue }
            groups[value, default: []].append(row)
        }
        return groups
    }

    /// The text at `row` of text column `column`, or `nil` for NULL or a column that is not text;
    /// reads the column directly, without building a ``Value``.
    func text(row: Int, column: Int) -> String? {
        guard case .text(let slot) = slots[column] else { return nil }
        return texts[slot][row]
    }
}
