/// The injected clock, reduced to what the hub needs: time as an offset from the hub's start, and
/// sleeping until such an offset. Keeps `any Clock` and its associated `Instant` out of the state.
struct LiveClock: Sendable {
    let now: @Sendable () -> Duration
    let sleep: @Sendable (_ until: Duration) async throws -> Void

    init<C: Clock>(_ clock: C) where C.Duration == Duration {
        let origin = clock.now
        now = { origin.duration(to: clock.now) }
        sleep = { deadline in try await clock.sleep(until: origin.advanced(by: deadline), tolerance: nil) }
    }
}
