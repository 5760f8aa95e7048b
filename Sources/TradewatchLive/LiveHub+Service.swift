public import ServiceLifecycle

extension LiveHub: Service {
    /// Ticks every ``LivePacer/tick`` while connections wait for their pacing window (an idle hub
    /// does not tick) to wake those whose window has come, and checks
    /// every second for stuck clients (a buffer full and unread for the stuck timeout, even with
    /// nothing more published), until graceful shutdown; then ends every connection.
    public func run() async throws {
        pacer.start()
        try? await cancelWhenGracefulShutdown {
            var nextSweep = self.clock.now() + .seconds(1)
            while !Task.isCancelled {
                if self.pacer.waitingCount == 0 {
                    // Nobody waits for a window: sleep until one does or the sweep is due.
                    await self.pacer.waitForSleepers(until: nextSweep, clock: self.clock)
                } else {
                    try await self.clock.sleep(self.clock.now() + LivePacer.tick)
                }
                let now = self.clock.now()
                if self.pacer.waitingCount > 0 { self.pacer.wakeDue(now: now) }
                if now >= nextSweep {
                    self.sweepStuck()
                    nextSweep = now + .seconds(1)
                }
            }
        }
        pacer.stop()
        shutdown()
    }
}
