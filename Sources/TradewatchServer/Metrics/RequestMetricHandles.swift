import CoreMetrics
import Synchronization

/// The request counter and duration timer of each (method, route, status), made once: every
/// request records both, so their lookup is keyed by the three values themselves rather than
/// by label strings and dimension arrays built for the call (``MetricHandles``).
final class RequestMetricHandles: Sendable {
    private struct Key: Hashable, Sendable {
        let method: String
        let route: String
        let status: Int
    }

    private let handles: MetricHandles
    private let kept = Mutex<[Key: (requests: Counter, duration: Timer)]>([:])

    init(handles: MetricHandles) {
        self.handles = handles
    }

    func record(method: String, route: String, status: Int, duration: Duration) {
        let key = Key(method: method, route: route, status: status)
        let pair = kept.withLock { $0[key] } ?? make(key)
        pair.requests.increment()
        pair.duration.record(duration: duration)
    }

    private func make(_ key: Key) -> (requests: Counter, duration: Timer) {
        let pair = (
            handles.counter(
                "http.server.requests.total",
                [("method", key.method), ("route", key.route), ("status", String(key.status))]),
            handles.timer("http.server.request.duration.seconds", [("method", key.method), ("route", key.route)])
        )
        // Bounded like the handles themselves: odd methods cannot grow it without end.
        kept.withLock { if $0.count < MetricHandles.capacity { $0[key] = pair } }
        return pair
    }
}
