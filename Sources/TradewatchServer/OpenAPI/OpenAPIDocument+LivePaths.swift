/// `GET /api/v1/stream`: the live stream over WebSocket.
extension OpenAPIDocument {
    static var liveOperations: [Operation] {
        [stream]
    }

    private static var stream: Operation {
        let tables = "`metrics`, `trades`, `quotes`, `executions`, `performance`, `logs` or `candles`"
        return operation(
            "get", "/api/v1/stream", id: "liveStream", tag: "Live stream", summary: "Stream committed rows (WebSocket)",
            description: """
                A WebSocket endpoint: connect with `Upgrade: websocket` (a plain GET is answered with 426). \
                Client and server exchange JSON text messages, each an object with an `op`.

                **Client messages.** \
                `{"op":"subscribe","id":"s1","table":…,"filter":{"symbol":["AAPL","MSFT"],"venue":"X"}}` subscribes \
                to the committed rows of one table (\(tables)) that match the filter: each key is a text column of \
                the table (`name`, `symbol`, `strategy`, `level`, `correlation_id`, `venue`, …) and takes a string \
                or an array of strings; a row matches when every named column holds one of the values. \
                `"interval":"1m"` (1s to 1d) is required for `candles`, which streams bars built live from trades. \
                `"from_commit":N` resumes: the rows of that table matching the filter committed after commit N are \
                replayed from the store first (at most 1,000,000 rows), then the stream continues live, with no gap \
                and no duplicate. `{"op":"unsubscribe","id":"s1"}` stops a subscription. \
                `{"op":"snapshot","id":"s1"}` sends at once the latest values matching the subscription's filter \
                (the last row per key: per name and symbol for metrics, per symbol for trades).

                **Server messages.** `{"op":"subscribed","id":…}` (with `"commit":S`, the last replayed commit, on a \
                resume); `{"op":"rows","id":…,"commit":N,"rows":[…]}` with rows as objects keyed by column name \
                (`ts` in RFC 3339 with nanoseconds, labels as JSON objects), in commit order, at most 10 frames per \
                second per subscription (rows arriving faster are coalesced); `{"op":"candle","id":…,…}` with the \
                forming bar (OHLCV, VWAP, trade count), `final` once the bar closes and `revised` when a late trade \
                changes a closed bar; `{"op":"lagged","id":…,"dropped":n}` when a client that cannot keep up had its \
                oldest pending rows dropped; `{"op":"snapshot","id":…,"rows":[…]}`; `{"op":"unsubscribed","id":…}`; \
                `{"op":"error","id":…,"message":…}` for a message the server refuses (not JSON, unknown op, missing \
                id, unknown table, bad filter, bad interval, too large, too many subscriptions), after which the \
                connection stays open.

                **Limits and closing.** Connections, subscriptions per connection and message size are limited \
                (an error names the limit). The server pings every 30 seconds and drops a connection that does not \
                answer; a client whose buffer stays full past a timeout is closed with 1008; on shutdown every \
                connection is closed with 1001 (going away).
                """,
            responses: [
                "101": response("Switching Protocols: the WebSocket connection is open."),
                "426": response(
                    "Upgrade Required: the request was not a WebSocket upgrade.",
                    content: media("application/problem+json", ref("schemas/Problem"))),
            ])
    }
}
