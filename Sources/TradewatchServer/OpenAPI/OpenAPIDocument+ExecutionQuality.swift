/// `GET /api/v1/executions/quality`: slippage, markouts and latency of executions.
extension OpenAPIDocument {
    static var executionQuality: Operation {
        let number: OpenAPIValue = ["number", "null"]
        let execution = object(
            properties([
                ("ts", "string", "RFC 3339 with nanoseconds."), ("order_id", "string", "Order id."),
                ("strategy", ["string", "null"], "Strategy."), ("symbol", "string", "Symbol."),
                ("venue", ["string", "null"], "Venue."), ("side", ["string", "null"], "`buy` or `sell`."),
                ("qty", "number", "Quantity."), ("price", "number", "Fill price."), ("fee", number, "Fees."),
                ("latency_us", ["integer", "null"], "Order-to-fill latency in microseconds."),
                ("mid", number, "Mid price at the fill."), ("mid_source", ["string", "null"], "Where the mid came from (quotes or trades)."),
                ("slippage_bps", number, "Fill price against the mid, in basis points; positive is worse for the side."),
                ("markout_1s_bps", number, "Mid 1 s after the fill against the fill price, in basis points."),
                ("markout_5s_bps", number, "Mid 5 s after, in basis points."),
                ("markout_60s_bps", number, "Mid 60 s after, in basis points."),
            ]), required: ["ts", "order_id", "symbol", "qty", "price"])
        let summary = object(
            properties([
                ("strategy", ["string", "null"], "Strategy."), ("symbol", "string", "Symbol."),
                ("venue", ["string", "null"], "Venue."), ("executions", "integer", "Number of executions."),
                ("qty", "number", "Total quantity."), ("notional", "number", "Total price × quantity."),
                ("fees", number, "Total fees."), ("slippage_bps_mean", number, "Mean slippage."),
                ("slippage_bps_p50", number, "Median slippage."), ("slippage_bps_p95", number, "95th percentile slippage."),
                ("latency_us_p50", number, "Median latency."), ("latency_us_p95", number, "95th percentile latency."),
                ("latency_us_p99", number, "99th percentile latency."),
                ("markout_1s_bps_mean", number, "Mean 1 s markout."), ("markout_5s_bps_mean", number, "Mean 5 s markout."),
                ("markout_60s_bps_mean", number, "Mean 60 s markout."),
            ]), required: ["symbol", "executions"])
        return operation(
            "get", "/api/v1/executions/quality", id: "executionQuality", tag: "Queries",
            summary: "Execution quality: slippage, markouts, latency",
            description: """
                Each execution against the market's mid price at and after the fill, and a summary per strategy, \
                symbol and venue. Default range: the last day.
                """,
            parameters: [
                ref("parameters/filter.strategy"), ref("parameters/filter.symbol"), ref("parameters/filter.venue"),
                ref("parameters/start"), ref("parameters/end"),
            ] + queryCommonParameters,
            responses: responses(
                "The executions and their summary.",
                json: object(["executions": array(execution), "summary": array(summary)], required: ["executions", "summary"]),
                example: [
                    "executions": [
                        [
                            "ts": "2026-01-01T00:00:00.000125Z", "order_id": "o-1", "strategy": "mm", "symbol": "AAPL",
                            "venue": "XNAS", "side": "buy", "qty": 100, "price": 187.26, "fee": 0.35, "latency_us": 125,
                            "mid": 187.25, "mid_source": "quotes", "slippage_bps": 0.53, "markout_1s_bps": 1.1,
                            "markout_5s_bps": 2.4, "markout_60s_bps": -0.8,
                        ]
                    ],
                    "summary": [
                        [
                            "strategy": "mm", "symbol": "AAPL", "venue": "XNAS", "executions": 1, "qty": 100,
                            "notional": 18726.0, "fees": 0.35, "slippage_bps_mean": 0.53, "slippage_bps_p50": 0.53,
                            "slippage_bps_p95": 0.53, "latency_us_p50": 125, "latency_us_p95": 125, "latency_us_p99": 125,
                            "markout_1s_bps_mean": 1.1, "markout_5s_bps_mean": 2.4, "markout_60s_bps_mean": -0.8,
                        ]
                    ],
                ],
                headers: ["X-Tradewatch-Cache": ref("headers/X-Tradewatch-Cache")]))
    }
}
