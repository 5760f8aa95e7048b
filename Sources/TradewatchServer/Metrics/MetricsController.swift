import Hummingbird
import NIOCore
import TradewatchStorage

/// `GET /metrics`: Prometheus text exposition of everything the server measures.
struct MetricsController {
    let metrics: ServerMetrics
    let stores: Stores
    /// Refreshes gauges owned elsewhere (queries, caches) just before a scrape.
    var beforeScrape: @Sendable () -> Void = {}

    func addRoutes(to router: Router<TradewatchRequestContext>) {
        router.get("metrics") { _, _ in
            beforeScrape()
            let text = metrics.scrape(
                analyticsBytes: stores.analytics.sizeBytes, operationalBytes: stores.operational.sizeBytes,
                duckDBMemoryBytes: (try? await stores.analytics.memoryUsageBytes()) ?? 0)
            var headers = HTTPFields()
            headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: text)))
        }
    }
}
