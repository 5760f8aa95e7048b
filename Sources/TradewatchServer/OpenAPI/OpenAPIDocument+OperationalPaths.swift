/// `/health`, `/ready`, `/metrics`, and the documentation endpoints.
extension OpenAPIDocument {
    static var operationalOperations: [Operation] {
        [
            operation(
                "get", "/health", id: "getHealth", tag: "Operations", summary: "Is the process running",
                description: "Answers while the process runs, whatever the state of its stores.",
                responses: [
                    "200": response(
                        "The process runs.",
                        content: media(
                            "application/json", object(["status": ["type": "string", "const": "ok"]], required: ["status"]),
                            example: ["status": "ok"]))
                ]),
            operation(
                "get", "/ready", id: "getReady", tag: "Operations", summary: "Are both stores open and writable",
                description: "Probes a write to the DuckDB (analytics) and SQLite (operational) stores and reports each.",
                responses: [
                    "200": response("Both stores are open and take a write.", content: media("application/json", readiness, example: readyExample)),
                    "503": response("A store cannot be used; its `error` says why.", content: media("application/json", readiness)),
                ]),
            operation(
                "get", "/metrics", id: "getMetrics", tag: "Operations", summary: "Prometheus metrics",
                description: "The server's own metrics in Prometheus text exposition format: requests, ingest, stores, process.",
                responses: [
                    "200": response(
                        "Prometheus text.",
                        content: media(
                            "text/plain; version=0.0.4; charset=utf-8", ["type": "string"],
                            example: "# TYPE tradewatch_ingest_rows_total counter\ntradewatch_ingest_rows_total{table=\"trades\"} 1000\n"))
                ]),
        ]
    }

    static var documentationOperations: [Operation] {
        [
            operation(
                "get", "/openapi.json", id: "getOpenAPIDocument", tag: "Documentation", summary: "This OpenAPI document",
                description: "The OpenAPI 3.1 description of every endpoint.",
                responses: [
                    "200": response(
                        "The document.", content: media("application/json", ["type": "object", "description": "An OpenAPI 3.1 document."]))
                ]),
            operation(
                "get", "/docs", id: "getDocs", tag: "Documentation", summary: "Readable API reference",
                description: "This document rendered as one HTML page, by the server.",
                responses: ["200": response("The page.", content: media("text/html; charset=utf-8", ["type": "string"]))]),
        ]
    }

    private static var readiness: OpenAPIValue {
        let common: OpenAPIValue = [
            "engine": typed("string", "`duckdb` or `sqlite`."),
            "version": typed(["string", "null"], "The engine's library version."),
            "path": typed("string", "The database file."),
            "sizeBytes": typed("integer", "Size of the database file in bytes."),
            "writable": typed("boolean", "A probe write succeeded."),
            "error": typed(["string", "null"], "Why the store cannot be used."),
        ]
        return object(
            [
                "status": ["type": "string", "enum": ["ready", "not ready"]],
                "dataDirectory": typed("string", "The data directory."),
                "analytics": object(common.adding([("schemaVersion", typed(["integer", "null"], "Schema version."))])),
                "operational": object(
                    common.adding([("migrations", ["type": ["array", "null"], "items": ["type": "string"], "description": "Applied migrations."])])),
            ], required: ["status", "dataDirectory", "analytics", "operational"])
    }

    private static let readyExample: OpenAPIValue = [
        "status": "ready", "dataDirectory": "./data",
        "analytics": [
            "engine": "duckdb", "version": "v2.0.1", "path": "./data/analytics.duckdb", "schemaVersion": 2,
            "sizeBytes": 17171, "writable": true,
        ],
        "operational": [
            "engine": "sqlite", "version": "3.40.1", "path": "./data/operational.sqlite",
            "migrations": ["v1 operational tables"], "sizeBytes": 144016, "writable": true,
        ],
    ]
}
