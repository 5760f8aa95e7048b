public import ServiceLifecycle

/// Runs the archiver every `interval`, off the request path, until graceful shutdown. A run
/// already started finishes (each of its steps is crash-safe anyway); failures are logged by the
/// archiver and retried at the next tick. `POST /api/v1/admin/archive` runs it on demand.
public struct ArchiverService<C: Clock>: Service where C.Duration == Duration {
    let archiver: Archiver
    let interval: Duration
    let clock: C

    public init(archiver: Archiver, interval: Duration, clock: C) {
        self.archiver = archiver
        self.interval = interval
        self.clock = clock
    }

    public func run() async throws {
        await repeatEvery(interval, on: clock) { _ = await archiver.run() }
    }
}

extension ArchiverService where C == ContinuousClock {
    public init(archiver: Archiver, interval: Duration) {
        self.init(archiver: archiver, interval: interval, clock: ContinuousClock())
    }
}
