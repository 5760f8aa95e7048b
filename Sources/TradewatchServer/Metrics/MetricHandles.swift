import CoreMetrics
import Synchronization

/// Counters and timers by label and dimensions, made once and then reused.
///
/// Making a handle through the Prometheus factory sanitizes the name and looks the series up
/// in the registry under its lock: about a tenth of the server's CPU per request when every
/// request made two. The first request of a series makes its handles; the rest find them
/// here. At most ``capacity`` series are kept (label values come from the request, such as
/// its method); past that, handles are made per call as before, so a flood of odd values
/// cannot grow this without bound.
final class MetricHandles: Sendable {
    struct Key: Hashable, Sendable {
        let label: String
        let dimensions: [String]

        init(_ label: String, _ dimensions: [(String, String)]) {
            self.label = label
            self.dimensions = dimensions.flatMap { [$0.0, $0.1] }
        }
    }

    static let capacity = 4_096

    private let factory: any MetricsFactory
    private let counters = Mutex<[Key: Counter]>([:])
    private let timers = Mutex<[Key: Timer]>([:])

    init(factory: any MetricsFactory) {
        self.factory = factory
    }

    func counter(_ label: String, _ dimensions: [(String, String)]) -> Counter {
        handle(in: counters, Key(label, dimensions)) { Counter(label: label, dimensions: dimensions, factory: factory) }
    }

    func timer(_ label: String, _ dimensions: [(String, String)]) -> Timer {
        handle(in: timers, Key(label, dimensions)) { Timer(label: label, dimensions: dimensions, factory: factory) }
    }

    /// The handle kept for `key`, else a new one from `make`, kept while under ``capacity``.
    private func handle<Handle: Sendable>(in handles: borrowing Mutex<[Key: Handle]>, _ key: Key, make: () -> Handle) -> Handle {
        if let handle = handles.withLock({ $0[key] }) { return handle }
        let handle = make()
        handles.withLock { if $0.count < Self.capacity { $0[key] = handle } }
        return handle
    }
}
