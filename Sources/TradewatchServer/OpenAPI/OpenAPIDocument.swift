/// The OpenAPI 3.1 description of every endpoint of the server, served at `/openapi.json` and
/// rendered as HTML at `/docs`. Operations are listed by feature in `OpenAPIDocument+*Paths.swift`;
/// the shapes they share are in `components` (`OpenAPIDocument+Components.swift`), and the table
/// schemas follow ``AnalyticsTable`` so a new column shows up here by itself.
enum OpenAPIDocument {
    /// One method on one path.
    struct Operation: Sendable {
        let method: String
        let path: String
        let value: OpenAPIValue
    }

    /// Groups of operations, in the order the page shows them.
    static let tags: [(name: String, description: String)] = [
        ("Operations", "Liveness, readiness and the server's own metrics."),
        ("InfluxDB compatibility", "InfluxDB line protocol writes and the calls InfluxDB clients make before writing."),
        ("JSON ingest", "Rows as JSON, one endpoint per table."),
        ("Queries", "Latest values, history, time buckets, candles and execution quality."),
        ("SQL", "Read-only SQL over the analytics tables, and the queries running now."),
        ("Live stream", "Committed rows pushed over WebSocket as they are written."),
        ("Documentation", "This document and the page rendered from it."),
    ]

    static let operations: [Operation] =
        operationalOperations + influxOperations + jsonIngestOperations + queryOperations + sqlOperations
        + liveOperations + adminOperations + documentationOperations

    static let value: OpenAPIValue = [
        "openapi": "3.1.0",
        "info": info,
        "tags": .array(tags.map { ["name": .string($0.name), "description": .string($0.description)] }),
        "paths": paths(operations),
        "components": components,
        "security": security,
    ]

    static let info: OpenAPIValue = [
        "title": "Tradewatch",
        "version": "1.0.0",
        "summary": "Observability server for algorithmic trading.",
        "description": """
            Trading processes push metrics, trades, quotes, candles, executions, strategy performance and \
            logs; Tradewatch stores them in DuckDB and answers history, aggregation and SQL queries. \
            A write is answered only after its rows are committed, with the commit's sequence number in \
            `X-Tradewatch-Commit`; a query given `min_commit` sees at least that commit. Every response \
            carries the request's correlation id in `X-Request-ID` (taken from the request's `X-Request-ID` \
            or `traceparent`, else new), which problem documents repeat as `correlation_id`. Timestamps are \
            read as RFC 3339 or epoch nanoseconds and written as RFC 3339 with nanoseconds. \
            Requests carry an API key as `Authorization: Bearer <key>` (the `apiKey` security scheme): \
            `write`, `read` or `admin` scope; required when the server listens beyond loopback, optional on \
            loopback; `/health`, `/ready`, the pings, `/docs` and `/openapi.json` are open.
            """,
        "license": ["name": "Proprietary"],
    ]

    /// The `paths` object: operations grouped under their path, paths in first-seen order.
    static func paths(_ operations: [Operation]) -> OpenAPIValue {
        var order: [String] = []
        var methods: [String: [(key: String, value: OpenAPIValue)]] = [:]
        for operation in operations {
            if methods[operation.path] == nil { order.append(operation.path) }
            methods[operation.path, default: []].append((operation.method, operation.value))
        }
        return .object(order.map { (key: $0, value: .object(methods[$0] ?? [])) })
    }

    // MARK: Builders shared by the path files

    static func operation(
        _ method: String, _ path: String, id: String, tag: String, summary: String, description: String,
        parameters: [OpenAPIValue] = [], requestBody: OpenAPIValue? = nil, responses: OpenAPIValue
    ) -> Operation {
        var members: [(key: String, value: OpenAPIValue)] = [
            ("operationId", .string(id)), ("tags", [.string(tag)]), ("summary", .string(summary)),
            ("description", .string(description)),
        ]
        if !parameters.isEmpty { members.append(("parameters", .array(parameters))) }
        if let requestBody { members.append(("requestBody", requestBody)) }
        members.append(("responses", withConnectionResponses(responses)))
        return Operation(method: method, path: path, value: .object(members))
    }

    /// A reference to a component, e.g. `ref("schemas/Problem")`.
    static func ref(_ component: String) -> OpenAPIValue {
        ["$ref": .string("#/components/\(component)")]
    }

    static func queryParameter(
        _ name: String, _ description: String, schema: OpenAPIValue = ["type": "string"], required: Bool = false,
        example: OpenAPIValue? = nil
    ) -> OpenAPIValue {
        var members: [(key: String, value: OpenAPIValue)] = [
            ("name", .string(name)), ("in", "query"), ("description", .string(description)),
            ("required", .bool(required)), ("schema", schema),
        ]
        if let example { members.append(("example", example)) }
        return .object(members)
    }

    /// Answers any request may get from its connection's limits before it reaches its route
    /// (``ConnectionLimits``): a request that does not arrive in time, a head too large, a
    /// connection beyond the limit. Added to each operation that does not name the status itself.
    static let connectionResponses: [(key: String, value: OpenAPIValue)] = [
        ("408", ref("responses/RequestTimeout")), ("431", ref("responses/HeaderFieldsTooLarge")),
        ("503", ref("responses/ConnectionLimit")),
    ]

    static func withConnectionResponses(_ responses: OpenAPIValue) -> OpenAPIValue {
        guard case .object(let members) = responses else { return responses }
        let named = Set(members.map(\.key))
        return responses.adding(connectionResponses.filter { !named.contains($0.key) })
    }

    static func response(
        _ description: String, content: OpenAPIValue? = nil, headers: OpenAPIValue? = nil
    ) -> OpenAPIValue {
        var members: [(key: String, value: OpenAPIValue)] = [("description", .string(description))]
        if let headers { members.append(("headers", headers)) }
        if let content { members.append(("content", content)) }
        return .object(members)
    }

    /// A `content` object with one media type.
    static func media(_ type: String, _ schema: OpenAPIValue, example: OpenAPIValue? = nil) -> OpenAPIValue {
        var members: [(key: String, value: OpenAPIValue)] = [("schema", schema)]
        if let example { members.append(("example", example)) }
        return .object([(key: type, value: .object(members))])
    }

    static func object(
        _ properties: OpenAPIValue, required: [String] = [], description: String? = nil
    ) -> OpenAPIValue {
        var members: [(key: String, value: OpenAPIValue)] = [("type", "object")]
        if let description { members.append(("description", .string(description))) }
        if !required.isEmpty { members.append(("required", .array(required.map { .string($0) }))) }
        members.append(("properties", properties))
        return .object(members)
    }

    static func array(_ items: OpenAPIValue, _ description: String? = nil) -> OpenAPIValue {
        var members: [(key: String, value: OpenAPIValue)] = [("type", "array")]
        if let description { members.append(("description", .string(description))) }
        members.append(("items", items))
        return .object(members)
    }

    /// A schema of one JSON type (`"string"`, `["number", "null"]`, …), or a whole schema given as
    /// an object, with a description.
    static func typed(_ type: OpenAPIValue, _ description: String) -> OpenAPIValue {
        if case .object = type { return type.adding([("description", .string(description))]) }
        return ["type": type, "description": .string(description)]
    }
}
