public import ServiceLifecycle

extension LiveHub: Service {
    /// Ticks every ``LivePacer/tick`` to wake connections whose pacing window has come, and checks
    /// every second for stuck clients (a buffer full and unread for the stuck timeout, even with
    /// nothing more published), until graceful shutdown; then ends every connection.
    public func run() async throws {
        pacer.start()
        try? await cancelWhenGracefulShutdown {
            var nextSweep = self.clock.now() + .seconds(1)
            while !Task.isCancelled {
                try await self.clock.sleep(self.clock.now() + LivePacer.tick)
                let now = self.clock.now()
                self.pacer.wakeDue(now: now)
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
