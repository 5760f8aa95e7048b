/// API keys in the document: the scheme, and the rule that a request may also come without one
/// (auth optional on loopback, or off with `--insecure`).
extension OpenAPIDocument {
    static let securitySchemes: OpenAPIValue = [
        "apiKey": [
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "tw_<id>_<secret>",
            "description": """
                An API key made with `tradewatch keys create --name NAME --scope read,write,admin`, sent as \
                `Authorization: Bearer <key>`. InfluxDB clients may send `Authorization: Token <key>`, HTTP Basic \
                credentials whose password is the key, or (1.x `/write` and `/query`) the key as the `p` query \
                parameter; WebSocket clients of `/api/v1/stream` may pass it as `access_token`. Scopes: `write` for \
                `/write`, `/api/v2/write`, `/query` and JSON ingest; `read` for queries, `/metrics` and the live \
                stream; `admin` for everything (cancelling queries, `/api/v1/admin/…`). `/health`, `/ready`, the \
                pings, `/docs`, `/openapi.json` and the dashboard are open. A missing, unknown or revoked key gets \
                `401` with `WWW-Authenticate`; a key without the scope gets `403` naming the scope needed and the \
                scopes held (InfluxDB routes answer with their `code`/`message` body). A refused WebSocket \
                handshake is closed at once with code 4401 or 4403. Keys are required when the server listens \
                beyond loopback, optional on loopback unless started with `--auth required`.
                """,
        ]
    ]

    /// Any operation accepts the key; `{}` says it may come without one when auth is optional.
    static let security: OpenAPIValue = [["apiKey": []], [:]]
}
