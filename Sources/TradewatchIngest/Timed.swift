public import CoreMetrics
public import Logging
import Metrics

/// Measures a hot path: records its duration in a swift-metrics timer named `label` and logs a
/// warning (with the duration and `metadata`) when it takes longer than `slowerThan`.
///
/// ```swift
/// let rows = try await timed("tradewatch.query.duration.seconds", slowerThan: .milliseconds(200), logger: logger) {
///     try await store.read { … }
/// }
/// ```
public func timed<T>(
    _ label: String, dimensions: [(String, String)] = [], slowerThan threshold: Duration, logger: Logger,
    metadata: @autoclosure () -> Logger.Metadata = [:], factory: any MetricsFactory = MetricsSystem.factory,
    _ body: () async throws -> T
) async rethrows -> T {
    let started = ContinuousClock.now
    defer {
        let elapsed = ContinuousClock.now - started
        Timer(label: label, dimensions: dimensions, factory: factory).record(duration: elapsed)
        if elapsed > threshold {
            var details = metadata()
            details["operation"] = .string(label)
            details["duration_ms"] = .stringConvertible(
                Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15)
            details["threshold_ms"] = .stringConvertible(
                Double(threshold.components.seconds) * 1000 + Double(threshold.components.attoseconds) / 1e15)
            logger.warning("slow operation", metadata: details)
        }
    }
    return try await body()
}
