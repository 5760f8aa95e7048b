public import ServiceLifecycle

extension LiveHub: Service {
    /// Checks every second for stuck clients (a buffer full and unread for the stuck timeout, even
    /// with nothing more published), until graceful shutdown; then ends every connection.
    public func run() async throws {
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            do {
                try await cancelWhenGracefulShutdown { try await self.clock.sleep(self.clock.now() + .seconds(1)) }
            } catch {
                break
            }
            sweepStuck()
        }
        shutdown()
    }
}
