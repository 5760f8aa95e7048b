import DuckDB
public import TradewatchCore

extension AnalyticsStore {
    /// Writes `batches` in one transaction, each row tagged with commit `sequence`, and records
    /// the commit. All rows are stored or none.
    public func commit(_ batches: [ColumnarBatch], sequence: Int64) async throws {
        defer { commitWatch.committed() }
        try await write { connection in
            try connection.transaction {
                // One appender per table, however many requests the commit groups.
                var tables: [AnalyticsTable] = []
                var byTable: [AnalyticsTable: [ColumnarBatch]] = [:]
                for batch in batches where batch.rowCount > 0 {
                    if byTable[batch.table] == nil { tables.append(batch.table) }
                    byTable[batch.table, default: []].append(batch)
                }
                for table in tables {
                    let group = byTable[table] ?? []
                    if table == .candles {
                        for batch in group { try Self.upsertCandles(batch, sequence: sequence, connection: connection) }
                    } else {
                        try Self.append(group, table: table, sequence: sequence, connection: connection)
                    }
                }
                let rows = batches.reduce(0) { $0 + $1.rowCount }
                try connection.query(
                    "INSERT INTO tradewatch_commits VALUES (?, now(), ?)", [.int64(sequence), .int64(Int64(rows))]
                ).forEachChunk { _ in }
            }
        }
    }

    /// Whether `error` says DuckDB had no memory left for the work (its memory limit was held by
    /// queries and rows not yet checkpointed); the same work may succeed a moment later.
    public static func isOutOfMemory(_ error: any Error) -> Bool {
        (error as? DuckDBError)?.isOutOfMemory ?? false
    }

    /// The highest commit sequence stored, 0 when nothing was committed yet.
    public func lastCommitSequence() async throws -> Int64 {
        try await write { connection in
            let rows = try connection.query("SELECT coalesce(max(seq), 0) FROM tradewatch_commits").rows()
            guard case .int64(let sequence) = rows.first?.first else { return 0 }
            return sequence
        }
    }

    private static func append(
        _ batches: [ColumnarBatch], table: AnalyticsTable, sequence: Int64, connection: Connection
    ) throws {
        let appender = try connection.appender(table: table.rawValue)
        for batch in batches {
            try append(batch, sequence: sequence, to: appender)
        }
        try appender.close()
    }

    private static func append(_ batch: ColumnarBatch, sequence: Int64, to appender: Appender) throws {
        let slots = batch.slots
        for row in 0..<batch.rowCount {
            for slot in slots {
                switch slot {
                case .timestamp:
                    try appender.append(TimestampNanos(nanosecondsSinceEpoch: batch.timestamps[row]))
                case .text(let index):
                    if let value = batch.texts[index][row] { try appender.append(value) } else { try appender.appendNull() }
                case .double(let index):
                    if let value = batch.doubles[index][row] { try appender.append(value) } else { try appender.appendNull() }
                case .integer(let index):
                    if let value = batch.integers[index][row] { try appender.append(value) } else { try appender.appendNull() }
                }
            }
            try appender.append(sequence)
            try appender.endRow()
        }
    }

    private static func upsertCandles(_ batch: ColumnarBatch, sequence: Int64, connection: Connection) throws {
        let names = batch.table.columns.map { "\"\($0.name)\"" }
        let updates = names.filter { !["\"ts\"", "\"symbol\"", "\"interval\""].contains($0) } + ["commit_seq"]
        let statement = try connection.prepare("""
            INSERT INTO candles (\(names.joined(separator: ", ")), commit_seq)
            VALUES (\(Array(repeating: "?", count: names.count + 1).joined(separator: ", ")))
            ON CONFLICT (symbol, "interval", ts) DO UPDATE SET
            \(updates.map { "\($0) = excluded.\($0)" }.joined(separator: ", "))
            """)
        for row in 0..<batch.rowCount {
            var values: [DuckDBValue] = batch.slots.indices.map { column in
                switch batch.value(row: row, column: column) {
                case .timestamp(let nanoseconds): .timestampNanos(TimestampNanos(nanosecondsSinceEpoch: nanoseconds))
                case .text(let text): text.map(DuckDBValue.string) ?? .null
                case .double(let number): number.map(DuckDBValue.double) ?? .null
                case .integer(let number): number.map(DuckDBValue.int64) ?? .null
                }
            }
            values.append(.int64(sequence))
            try statement.bind(values)
            try statement.execute()
        }
    }
}
