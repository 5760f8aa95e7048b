import TradewatchCore

/// The pieces several operations share: error bodies, responses, headers and parameters.
extension OpenAPIDocument {
    static var components: OpenAPIValue {
        [
            "schemas": .object(sharedSchemas.members + tableSchemas),
            "responses": responses,
            "parameters": parameters,
            "headers": headers,
            "securitySchemes": securitySchemes,
        ]
    }

    static let sharedSchemas: OpenAPIValue = [
        "Problem": object(
            [
                "type": typed("string", "A URI naming the kind of problem; `about:blank` when the status says it all."),
                "title": typed("string", "The status's reason phrase."),
                "status": typed("integer", "The HTTP status code."),
                "detail": typed("string", "What was wrong and where: the item, field or parameter at fault."),
                "parameter": typed("string", "The query parameter or body field at fault, when there is one."),
                "correlation_id": typed("string", "The request's correlation id (also in `X-Request-ID`)."),
            ], required: ["type", "title", "status", "detail"],
            description: "An RFC 9457 problem document (`application/problem+json`)."),
        "InfluxError": object(
            [
                "code": [
                    "type": "string", "enum": ["invalid", "request too large", "unavailable", "internal error", "unauthorized", "forbidden"],
                    "description": "The kind of error, as InfluxDB names it.",
                ],
                "message": typed("string", "What was wrong, naming the line and column for line-protocol errors."),
            ], required: ["code", "message"], description: "The error body InfluxDB clients expect."),
        "Timestamp": [
            "type": "string",
            "description": "RFC 3339 (`2026-01-01T00:00:00.123456789Z`) or epoch nanoseconds (`1767225600123456789`).",
            "examples": ["2026-01-01T00:00:00.123456789Z", "1767225600123456789"],
        ],
        "Labels": [
            "type": ["object", "null"], "additionalProperties": true,
            "description": "Everything a row carried beyond the typed columns, as a JSON object.",
        ],
    ]

    static let headers: OpenAPIValue = [
        "X-Tradewatch-Commit": [
            "description": "Sequence number of the commit that stored the request's rows; pass it as `min_commit` to read them back.",
            "schema": ["type": "integer", "minimum": 0],
        ],
        "X-Tradewatch-Cache": [
            "description": "`hit` when the result came from the query cache, `miss` when it was computed.",
            "schema": ["type": "string", "enum": ["hit", "miss"]],
        ],
        "X-Tradewatch-Source": [
            "description": "`memory` when the answer was built from data held in memory instead of a DuckDB query.",
            "schema": ["type": "string", "enum": ["memory"]],
        ],
        "X-Tradewatch-Next-Cursor": [
            "description": "The cursor of the next page (as `next` in JSON), when there is one.",
            "schema": ["type": "string"],
        ],
        "X-Tradewatch-Query-Id": [
            "description": "Id of the query while it runs, as listed by `GET /api/v1/queries`; cancel it with `DELETE /api/v1/queries/{id}`.",
            "schema": ["type": "string"],
        ],
        "RateLimit-Limit": [
            "description": "The budget's burst: how many requests (or rows) it allows at once.", "schema": ["type": "integer"],
        ],
        "RateLimit-Remaining": [
            "description": "What is left of the budget now.", "schema": ["type": "integer"],
        ],
        "RateLimit-Reset": [
            "description": "Seconds until the budget is full again.", "schema": ["type": "integer"],
        ],
        "Retry-After": [
            "description": "Seconds to wait before retrying: the ingest queue is full, or a rate limit is used up. Nothing was stored.",
            "schema": ["type": "integer", "minimum": 1],
        ],
        "X-Influxdb-Version": [
            "description": "The InfluxDB version Tradewatch answers as.", "schema": ["type": "string"], "example": "1.8-tradewatch",
        ],
    ]

    static var responses: OpenAPIValue {
        let problem = media("application/problem+json", ref("schemas/Problem"))
        let influx = media("application/json", ref("schemas/InfluxError"))
        let retry: OpenAPIValue = ["Retry-After": ref("headers/Retry-After")]
        let rateLimited: OpenAPIValue = [
            "Retry-After": ref("headers/Retry-After"), "RateLimit-Limit": ref("headers/RateLimit-Limit"),
            "RateLimit-Remaining": ref("headers/RateLimit-Remaining"), "RateLimit-Reset": ref("headers/RateLimit-Reset"),
        ]
        return [
            "Committed": response(
                "Every row is committed (it survives a crash).",
                headers: ["X-Tradewatch-Commit": ref("headers/X-Tradewatch-Commit")]),
            "InfluxBadRequest": response(
                "A line is malformed or misses a required field; nothing was stored.",
                content: media(
                    "application/json", ref("schemas/InfluxError"),
                    example: ["code": "invalid", "message": #"line 3, column 17: invalid integer field value "12x" for field "qty""#])),
            "InfluxTooLarge": response("The body, or its gzip-inflated form, exceeds the size limit.", content: influx),
            "InfluxUnavailable": response(
                "The ingest queue is full, or DuckDB had no memory for the commit even after a few attempts over about two seconds (both with `Retry-After`; nothing was stored), or the server is shutting down; retry. At the connection limit (`--max-connections`) the answer is a problem document with `Retry-After`.",
                content: influx, headers: retry),
            "InfluxInternalError": response("The commit failed; nothing was stored.", content: influx),
            "BadRequest": response(
                "The request is invalid; the detail names what and where. Nothing was changed.",
                content: media(
                    "application/problem+json", ref("schemas/Problem"),
                    example: [
                        "type": "about:blank", "title": "Bad Request", "status": 400,
                        "detail": "trades[3].qty: must not be negative, got -5.0", "correlation_id": "7f3c9a",
                    ])),
            "TooLarge": response("The body, or its gzip-inflated form, exceeds the size limit.", content: problem),
            "Unavailable": response(
                "The ingest queue is full, or DuckDB had no memory for the commit even after a few attempts over about two seconds (both with `Retry-After`; nothing was stored), the server is shutting down, or it is at its connection limit (`--max-connections`, with `Retry-After`); retry.",
                content: problem, headers: retry),
            "InternalError": response("The commit failed; nothing was stored.", content: problem),
            "CommitNotVisible": response("The commit named by `min_commit` did not become visible in time.", content: problem),
            "QueryTimeout": response("The query ran past its time limit and was stopped.", content: problem),
            "QueryCancelled": response("The query was cancelled with `DELETE /api/v1/queries/{id}`.", content: problem),
            "NotFound": response("No such resource.", content: problem),
            "TooManyRequests": response(
                "A rate limit of the API key (or, without a key, of the client's address) is used up; the detail names the budget and when to retry.",
                content: problem, headers: rateLimited),
            "RequestTimeout": response(
                "The request did not arrive in full within the read timeout (`--read-timeout`); the connection is closed after this answer.",
                content: problem),
            "HeaderFieldsTooLarge": response(
                "The request head is larger than the limit (`--max-header-bytes`); the connection is closed after this answer.",
                content: problem),
            "ConnectionLimit": response(
                "The server has as many connections open as it allows (`--max-connections`); retry after `Retry-After` seconds. The connection is closed after this answer. A query endpoint also answers 503 with `Retry-After` (the connection kept) when DuckDB has no memory left for the query: its `--duckdb-memory-limit` is shared with ingestion and other queries.",
                content: problem, headers: retry),
            "InfluxTooManyRequests": response(
                "A write rate limit of the API key (or, without a key, of the client's address) is used up; retry after `Retry-After` seconds.",
                content: influx, headers: rateLimited),
        ]
    }

    static let timeParameterSchema: OpenAPIValue = ref("schemas/Timestamp")

    static var parameters: OpenAPIValue {
        let text: OpenAPIValue = ["type": "string"]
        let named: OpenAPIValue = [
            "start": queryParameter(
                "start", "Start of the time range, inclusive: RFC 3339 or epoch nanoseconds. Default: a span before `end` (one hour for history and aggregates, a day for execution quality, 500 intervals for candles).",
                schema: timeParameterSchema, example: "2026-01-01T00:00:00Z"),
            "end": queryParameter(
                "end", "End of the time range, exclusive: RFC 3339 or epoch nanoseconds. Default: now.",
                schema: timeParameterSchema, example: "2026-01-01T01:00:00Z"),
            "order": queryParameter(
                "order", "Row order by time.", schema: ["type": "string", "enum": ["asc", "desc"], "default": "asc"]),
            "limit": queryParameter(
                "limit",
                "Most rows in one page. Pages up to 10,000 rows are read whole (the next cursor is then also in `X-Tradewatch-Next-Cursor`); larger ones, up to a full export, stream with flat memory.",
                schema: ["type": "integer", "minimum": 1, "maximum": 100_000_000, "default": 1000]),
            "prefix": queryParameter("prefix", "Only metric names starting with this.", schema: text, example: "order_latency."),
            "cursor": queryParameter("cursor", "Opaque cursor from a previous page's `next`: the page after it.", schema: text),
            "min_commit": queryParameter(
                "min_commit",
                "Wait (a bounded time) until this commit sequence (from `X-Tradewatch-Commit`) is visible, then answer; 504 when it does not become visible in time.",
                schema: ["type": "integer", "minimum": 0]),
            "format": queryParameter(
                "format",
                "Response format; otherwise chosen by the `Accept` header (`application/json`, `application/x-ndjson`, `text/csv`), JSON by default.",
                schema: ["type": "string", "enum": ["json", "ndjson", "csv"], "default": "json"]),
            "label": queryParameter(
                "label.<key>",
                "Only rows whose labels (logs: attributes) have `<key>` equal to the value, written `label.<key>=<value>`; repeat for more labels.",
                schema: text, example: "label.strategy=mm"),
            "influx.precision.v1": queryParameter(
                "precision", "Unit of the lines' timestamps (`n` = `ns`, `u` = `us`; `m` minutes, `h` hours).",
                schema: ["type": "string", "enum": ["ns", "n", "u", "us", "ms", "s", "m", "h"], "default": "ns"]),
            "influx.precision.v2": queryParameter(
                "precision", "Unit of the lines' timestamps.",
                schema: ["type": "string", "enum": ["ns", "us", "ms", "s"], "default": "ns"]),
            "influx.db": queryParameter("db", "Accepted and ignored: Tradewatch has one database.", schema: text),
            "influx.rp": queryParameter("rp", "Accepted and ignored (retention is Tradewatch's own).", schema: text),
            "influx.u": queryParameter("u", "Accepted and ignored (user name).", schema: text),
            "influx.p": queryParameter("p", "Accepted and ignored (password).", schema: text),
            "influx.bucket": queryParameter("bucket", "Accepted and ignored: Tradewatch has one database.", schema: text),
            "influx.org": queryParameter("org", "Accepted and ignored.", schema: text),
            "Content-Encoding": [
                "name": "Content-Encoding", "in": "header", "required": false,
                "description": "`gzip` for a compressed body (it may inflate to the inflated-size limit).",
                "schema": ["type": "string", "enum": ["gzip", "identity"]],
            ],
        ]
        return named.adding(filterParameters.map { (key: "filter.\($0.name)", value: $0.parameter) })
    }

    /// Column filters of the history endpoints, each offered where its table has the column.
    static let filterParameters: [(name: String, parameter: OpenAPIValue)] = [
        ("name", "Metric name, exact.", "order_latency.p99"),
        ("symbol", "Instrument symbol.", "AAPL"),
        ("venue", "Venue.", "XNAS"),
        ("side", "`buy` or `sell`.", "buy"),
        ("strategy", "Strategy name.", "mm"),
        ("order_id", "Order id.", "o-1"),
        ("level", "Log level.", "error"),
        ("service", "Service that wrote the log.", "oms"),
        ("correlation_id", "Correlation id the row carries.", "req-42"),
    ].map { name, description, example in
        (name, queryParameter(
            name, "\(description) Only rows with one of these values (comma-separated or repeated).", example: .string(example)))
    }

    /// Parameters every query endpoint takes.
    static let queryCommonParameters: [OpenAPIValue] = [ref("parameters/min_commit"), ref("parameters/format")]

    /// Error responses every query endpoint may give.
    static let queryErrorResponses: [(key: String, value: OpenAPIValue)] = [
        ("400", ref("responses/BadRequest")), ("429", ref("responses/TooManyRequests")),
        ("504", ref("responses/CommitNotVisible")),
    ]
}
