public import CoreMetrics
import Foundation
import Metrics
public import Prometheus

/// The server's metrics: a Prometheus registry fed through swift-metrics (names are dotted in
/// code and exposed with underscores), plus process and store gauges refreshed on each scrape.
public struct ServerMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    public let factory: any MetricsFactory
    /// Request and query counters and timers, made once per series.
    let handles: MetricHandles
    /// The per-request counter and timer, by method, route and status.
    let requestHandles: RequestMetricHandles
    let startedAt = ContinuousClock.now

    public init() {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.nameAndLabelSanitizer = { name, labels in (name.replacingOccurrences(of: ".", with: "_"), labels) }
        self.registry = registry
        self.factory = factory
        handles = MetricHandles(factory: factory)
        requestHandles = RequestMetricHandles(handles: handles)
    }

    /// Counts a request and its duration, by route and status.
    func recordRequest(method: String, route: String, status: Int, duration: Duration) {
        requestHandles.record(method: method, route: route, status: status, duration: duration)
    }

    /// Counts a finished query (any query endpoint), its duration and the rows it returned.
    func recordQuery(endpoint: String, duration: Duration, rows: Int) {
        handles.timer("tradewatch.query.duration.seconds", [("endpoint", endpoint)]).record(duration: duration)
        handles.counter("tradewatch.query.rows.total", [("endpoint", endpoint)]).increment(by: rows)
    }

    /// Counts a refused or failed query by the kind of error.
    func recordQueryError(endpoint: String, kind: String) {
        handles.counter("tradewatch.query.errors.total", [("endpoint", endpoint), ("kind", kind)]).increment()
    }

    /// Counts a lookup of the query cache.
    func recordCacheLookup(hit: Bool) {
        handles.counter("tradewatch.query.cache.lookups.total", [("result", hit ? "hit" : "miss")]).increment()
    }

    /// Sets the query gauges read at scrape time.
    func setQueryGauges(running: Int, cacheEntries: Int, cacheBytes: Int, latestSeries: Int) {
        gauge("tradewatch", "queries_running", "", "Queries running now.").set(Double(running))
        gauge("tradewatch", "query_cache_entries", "", "Answers held by the query cache.").set(Double(cacheEntries))
        gauge("tradewatch", "query_cache", "bytes", "Bytes held by the query cache.").set(Double(cacheBytes))
        gauge("tradewatch", "latest_series", "", "Metric series and trade symbols whose latest value is held in memory.")
            .set(Double(latestSeries))
    }

    /// Sets the live stream's figures read at scrape time (the totals count since the start).
    func setLiveGauges(clients: Int, subscriptions: Int, framesSent: Int, rowsDropped: Int) {
        gauge("tradewatch", "live_clients", "", "WebSocket clients connected to the live stream.").set(Double(clients))
        gauge("tradewatch", "live_subscriptions", "", "Live subscriptions open.").set(Double(subscriptions))
        gauge("tradewatch", "live_frames", "total", "Frames the live hub handed to clients.").set(Double(framesSent))
        gauge("tradewatch", "live_rows_dropped", "total", "Rows dropped for live clients that could not keep up.")
            .set(Double(rowsDropped))
    }

    /// Refreshes the gauges read from /proc and the stores, then renders the Prometheus text.
    func scrape(analyticsBytes: Int, operationalBytes: Int, duckDBMemoryBytes: Int) -> [UInt8] {
        let process = ProcessStatistics.current()
        let uptime = (ContinuousClock.now - startedAt).components
        gauge("process", "resident_memory", "bytes", "Resident memory of the server process.")
            .set(Double(process.residentBytes))
        gauge("process", "cpu", "seconds_total", "CPU time the server process used, user and system.")
            .set(process.cpuSeconds)
        gauge("process", "open_fds", "", "Open file descriptors.").set(Double(process.openFileDescriptors))
        gauge("process", "threads", "", "Threads of the server process.").set(Double(process.threads))
        gauge("process", "uptime", "seconds", "Seconds since the server started.")
            .set(Double(uptime.seconds) + Double(uptime.attoseconds) / 1e18)
        gauge("tradewatch", "store_size", "bytes", "Size of each store's files.", store: "analytics")
            .set(Double(analyticsBytes))
        gauge("tradewatch", "store_size", "bytes", "Size of each store's files.", store: "operational")
            .set(Double(operationalBytes))
        gauge("tradewatch", "duckdb_memory", "bytes", "Memory DuckDB holds.").set(Double(duckDBMemoryBytes))
        return registry.emitToBuffer()
    }
}

extension ServerMetrics {
    private func gauge(
        _ namespace: String, _ name: String, _ unit: String, _ help: String, store: String? = nil
    ) -> Prometheus.Gauge {
        let descriptor = MetricNameDescriptor(namespace: namespace, metricName: name, unitName: unit, helpText: help)
        guard let store else { return registry.makeGauge(descriptor: descriptor) }
        return registry.makeGauge(descriptor: descriptor, labels: [("store", store)])
    }
}

/// The process's own figures, from /proc/self.
struct ProcessStatistics {
    var residentBytes = 0
    var cpuSeconds = 0.0
    var openFileDescriptors = 0
    var threads = 0

    static func current() -> ProcessStatistics {
        var statistics = ProcessStatistics()
        let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        if let statm = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) {
            let fields = statm.split(separator: " ")
            if fields.count > 1, let pages = Int(fields[1]) { statistics.residentBytes = pages * pageSize }
        }
        // /proc/self/stat: fields after the ")" closing the command name; utime and stime are
        // fields 14 and 15, num_threads field 20 (1-based, counting from the pid).
        if let stat = try? String(contentsOfFile: "/proc/self/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        {
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            if fields.count > 17, let user = Double(fields[11]), let system = Double(fields[12]),
                let threads = Int(fields[17])
            {
                statistics.cpuSeconds = (user + system) / ticks
                statistics.threads = threads
            }
        }
        statistics.openFileDescriptors = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count) ?? 0
        return statistics
    }
}
