/// `POST /api/v1/query` (read-only SQL) and the running queries.
extension OpenAPIDocument {
    static var sqlOperations: [Operation] {
        [sqlQuery, runningQueries, cancelQuery]
    }

    private static var sqlQuery: Operation {
        let request = object(
            [
                "sql": typed("string", "One read-only statement; `?` or `$1` placeholders take `params`."),
                "params": array(["type": ["string", "number", "integer", "boolean", "null"]], "Values of the placeholders, in order."),
                "timeout_ms": ["type": "integer", "minimum": 1, "description": "Time limit; the server's default when absent."],
                "max_rows": ["type": "integer", "minimum": 1, "description": "Most rows returned; more sets `truncated`."],
            ], required: ["sql"])
        let result = object(
            [
                "columns": array(
                    object(properties([("name", "string", "Column name."), ("type", "string", "DuckDB type, e.g. `DOUBLE`.")]),
                        required: ["name", "type"])),
                "rows": array(["type": "array", "items": true], "Rows as arrays, in column order."),
                "row_count": typed("integer", "Rows returned."),
                "elapsed_ms": typed("number", "Time the query took."),
                "truncated": typed("boolean", "More rows matched than `max_rows`."),
            ], required: ["columns", "rows", "row_count", "elapsed_ms", "truncated"])
        var answers = responses(
            "The result.", json: result,
            example: [
                "columns": [["name": "symbol", "type": "VARCHAR"], ["name": "trades", "type": "BIGINT"]],
                "rows": [["AAPL", 1520], ["MSFT", 980]], "row_count": 2, "elapsed_ms": 3.2, "truncated": false,
            ],
            headers: [
                "X-Tradewatch-Cache": ref("headers/X-Tradewatch-Cache"),
                "X-Tradewatch-Query-Id": ref("headers/X-Tradewatch-Query-Id"),
            ])
        answers = answers.adding([("408", ref("responses/QueryTimeout")), ("409", ref("responses/QueryCancelled"))])
        return operation(
            "post", "/api/v1/query", id: "sqlQuery", tag: "SQL", summary: "Run read-only SQL",
            description: """
                Runs one SQL statement over the analytics tables (`metrics`, `trades`, `quotes`, `candles`, \
                `executions`, `performance`, `logs`). Read-only: writes, `ATTACH`, `INSTALL`/`LOAD` and file \
                access are refused with 400. A running query is listed at `GET /api/v1/queries` and can be \
                cancelled there.
                """,
            parameters: queryCommonParameters,
            requestBody: [
                "required": true,
                "content": media(
                    "application/json", request,
                    example: [
                        "sql": "SELECT symbol, count(*) AS trades FROM trades WHERE ts >= ? GROUP BY symbol ORDER BY trades DESC",
                        "params": ["2026-01-01T00:00:00Z"], "timeout_ms": 5000, "max_rows": 1000,
                    ]),
            ],
            responses: answers)
    }

    private static var runningQueries: Operation {
        let query = object(
            properties([
                ("id", "string", "Id to cancel the query with."), ("sql", "string", "The statement."),
                ("endpoint", "string", "The endpoint that runs it."),
                ("started_at", "string", "When it started, RFC 3339."), ("elapsed_ms", "number", "Time so far."),
                ("progress", ["number", "null"], "Fraction done, 0 to 1, when DuckDB knows it."),
            ]), required: ["id", "sql", "endpoint", "started_at", "elapsed_ms"])
        return operation(
            "get", "/api/v1/queries", id: "listQueries", tag: "SQL", summary: "Queries running now",
            description: "The queries running now, with their progress.",
            responses: [
                "200": response(
                    "The running queries.",
                    content: media(
                        "application/json", object(["queries": array(query)], required: ["queries"]),
                        example: [
                            "queries": [
                                [
                                    "id": "q-17", "sql": "SELECT avg(price) FROM trades", "endpoint": "/api/v1/query",
                                    "started_at": "2026-01-01T00:00:00.5Z", "elapsed_ms": 1250.0, "progress": 0.4,
                                ]
                            ]
                        ]))
            ])
    }

    private static var cancelQuery: Operation {
        operation(
            "delete", "/api/v1/queries/{id}", id: "cancelQuery", tag: "SQL", summary: "Cancel a running query",
            description: "Cancels the query; its request is answered with 409.",
            parameters: [
                [
                    "name": "id", "in": "path", "required": true, "description": "The query's id, from `GET /api/v1/queries`.",
                    "schema": ["type": "string"],
                ]
            ],
            responses: ["204": response("The query is cancelled."), "404": ref("responses/NotFound")])
    }
}
