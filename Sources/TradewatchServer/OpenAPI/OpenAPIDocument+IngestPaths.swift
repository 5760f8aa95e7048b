import TradewatchCore

/// The write endpoints (line protocol and JSON) and InfluxDB's `/ping` and `/query`.
extension OpenAPIDocument {
    static var influxOperations: [Operation] {
        let influxResponses: OpenAPIValue = [
            "204": ref("responses/Committed"), "400": ref("responses/InfluxBadRequest"),
            "413": ref("responses/InfluxTooLarge"), "429": ref("responses/InfluxTooManyRequests"),
            "500": ref("responses/InfluxInternalError"), "503": ref("responses/InfluxUnavailable"),
        ]
        let ping: (String, String) -> Operation = { method, path in
            operation(
                method, path, id: "\(method)Ping\(path == "/ping" ? "" : "V2")", tag: "InfluxDB compatibility",
                summary: "InfluxDB ping", description: "Answers as InfluxDB does, for clients that check the server first.",
                responses: [
                    "204": response("The server runs.", headers: ["X-Influxdb-Version": ref("headers/X-Influxdb-Version")])
                ])
        }
        return [
            operation(
                "post", "/write", id: "writeLineProtocolV1", tag: "InfluxDB compatibility",
                summary: "Write InfluxDB line protocol (1.x API)", description: lineProtocolDescription,
                parameters: [
                    ref("parameters/influx.precision.v1"), ref("parameters/influx.db"), ref("parameters/influx.rp"),
                    ref("parameters/influx.u"), ref("parameters/influx.p"), ref("parameters/Content-Encoding"),
                ],
                requestBody: lineProtocolBody, responses: influxResponses),
            operation(
                "post", "/api/v2/write", id: "writeLineProtocolV2", tag: "InfluxDB compatibility",
                summary: "Write InfluxDB line protocol (2.x API)", description: lineProtocolDescription,
                parameters: [
                    ref("parameters/influx.precision.v2"), ref("parameters/influx.bucket"), ref("parameters/influx.org"),
                    ref("parameters/Content-Encoding"),
                ],
                requestBody: lineProtocolBody, responses: influxResponses),
            ping("get", "/ping"), ping("head", "/ping"), ping("get", "/api/v2/ping"), ping("head", "/api/v2/ping"),
            influxQuery("get"), influxQuery("post"),
        ]
    }

    private static let lineProtocolDescription = """
        Stores the lines whole or not at all; answered after the commit. Measurements `trades`, `quotes`, \
        `candles`, `executions`, `performance` and `logs` fill the table of that name (tags and fields fill \
        the columns of the same name; anything else goes to `labels`). Any other measurement becomes `metrics` \
        rows, one per numeric field, named `measurement.field` (just `measurement` for a field named `value`). \
        A line without a timestamp gets the time of receipt. An empty body stores nothing and answers 204.
        """

    private static let lineProtocolBody: OpenAPIValue = [
        "required": true,
        "description": "InfluxDB line protocol, one point per line; may be gzip-compressed.",
        "content": media(
            "text/plain", ["type": "string"],
            example: """
                trades,symbol=AAPL,venue=XNAS,side=buy price=187.25,qty=100 1767225600000000000
                order_latency,symbol=AAPL,strategy=mm p50=120,p99=480 1767225600000000000

                """),
    ]

    private static func influxQuery(_ method: String) -> Operation {
        operation(
            method, "/query", id: "\(method)InfluxQuery", tag: "InfluxDB compatibility",
            summary: "InfluxQL database statements (accepted without effect)",
            description: """
                Accepts `CREATE DATABASE` and `CREATE RETENTION POLICY` (Telegraf sends them at start) without \
                effect: Tradewatch has one database. Any other InfluxQL is refused; query data with SQL at \
                `POST /api/v1/query`.
                """,
            parameters: [queryParameter("q", "The InfluxQL statement.", example: "CREATE DATABASE telegraf")],
            requestBody: method == "post"
                ? [
                    "required": false,
                    "content": media(
                        "application/x-www-form-urlencoded", object(["q": typed("string", "The InfluxQL statement.")])),
                ] : nil,
            responses: [
                "200": response(
                    "The statement is accepted.",
                    content: media(
                        "application/json", object(["results": array(["type": "object"])]),
                        example: ["results": [["statement_id": 0]]])),
                "400": response(
                    "The statement is not a database statement.",
                    content: media(
                        "application/json", object(["error": ["type": "string"]], required: ["error"]),
                        example: ["error": "Tradewatch accepts only CREATE DATABASE on /query; query data with SQL at /api/v1/query"])),
            ])
    }

    static var jsonIngestOperations: [Operation] {
        AnalyticsTable.allCases.map { table in
            let name = table.rawValue
            let items: OpenAPIValue = ["type": "array", "minItems": 1, "items": ref("schemas/\(itemSchemaName(table))")]
            let body = object(.object([(key: name, value: items)]), required: [name])
            return operation(
                "post", "/api/v1/\(name)", id: "ingest\(itemSchemaName(table).dropLast(4))", tag: "JSON ingest",
                summary: "Write \(name) rows as JSON",
                description: """
                    Stores every item of `\(name)` or none; answered after the commit. `ts` is RFC 3339 or epoch \
                    nanoseconds.\(table == .candles ? " A candle replaces the stored one with the same symbol, interval and start." : "")
                    """,
                parameters: [ref("parameters/Content-Encoding")],
                requestBody: [
                    "required": true,
                    "content": media("application/json", body, example: .object([(key: name, value: .array([example(table)]))])),
                ],
                responses: [
                    "204": ref("responses/Committed"), "400": ref("responses/BadRequest"), "413": ref("responses/TooLarge"),
                    "429": ref("responses/TooManyRequests"), "500": ref("responses/InternalError"),
                    "503": ref("responses/Unavailable"),
                ])
        }
    }
}
