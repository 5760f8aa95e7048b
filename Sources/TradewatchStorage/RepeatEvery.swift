import ServiceLifecycle

/// The loop of the periodic services: waits `interval` on `clock`, runs `tick`, and again, until
/// graceful shutdown or cancellation. A tick already started finishes; the wait does not.
public func repeatEvery<C: Clock>(
    _ interval: Duration, on clock: C, _ tick: () async -> Void
) async where C.Duration == Duration {
    while !Task.isShuttingDownGracefully {
        do {
            try await cancelWhenGracefulShutdown { try await clock.sleep(for: interval) }
        } catch {
            return  // graceful shutdown or cancellation
        }
        await tick()
    }
}

/// ``repeatEvery(_:on:_:)`` on the continuous clock.
public func repeatEvery(_ interval: Duration, _ tick: () async -> Void) async {
    await repeatEvery(interval, on: ContinuousClock(), tick)
}
