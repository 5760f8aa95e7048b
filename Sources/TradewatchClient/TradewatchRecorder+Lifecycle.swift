import ServiceLifecycle

extension TradewatchRecorder {
    /// Sends in the background until graceful shutdown (or ``shutdown()``), then sends what is
    /// still buffered, for at most `shutdownTimeout`, and closes: later records are dropped, and
    /// the recorder's own HTTP client is shut down. Cancelling the task stops at once; what is
    /// unsent then counts as abandoned. Call it once.
    public func run() async throws {
        guard state.withLock({ $0.startLoop() }) else { return }
        await withGracefulShutdownHandler {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await self.tick() }
                group.addTask { await self.sendUntilStopped() }
                // Bounds the final flush: once a stop is requested, sending gets shutdownTimeout.
                group.addTask {
                    await self.stopRequested.wait()
                    try? await Task.sleep(for: self.configuration.shutdownTimeout)
                }
                _ = await group.next()
                group.cancelAll()
            }
        } onGracefulShutdown: {
            self.requestStop()
        }
        await close()
    }

    /// Sends everything recorded before the call, now. Returns once it is stored or refused by
    /// the server; while the server cannot be reached it keeps retrying, so bound it with task
    /// cancellation if need be (unsent records then stay buffered). Works with or without
    /// `run()`.
    public func flush() async {
        guard await gate.acquire() else { return }
        defer { gate.release() }
        reportInvalidRecords()
        _ = await drain()
    }

    /// Sends what is buffered, for at most `shutdownTimeout`, and closes the recorder; returns
    /// when it is closed. With a running `run()`, asks it to stop and waits for it. Calling it
    /// again, or after `run()` ended, returns at once.
    public func shutdown() async {
        let role = state.withLock { $0.beginShutdown() }
        requestStop()
        switch role {
        case .alreadyClosed:
            return
        case .waitForClose:
            await closed.wait()
        case .closeHere:
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    // Records keep arriving while stopping: send until none is pending.
                    while self.state.withLock({ $0.statistics.pending }) > 0 {
                        guard await self.drainExclusively() else { return }
                    }
                }
                group.addTask { try? await Task.sleep(for: self.configuration.shutdownTimeout) }
                _ = await group.next()
                group.cancelAll()
            }
            await close()
        }
    }

    private func requestStop() {
        stopRequested.open()
        wake.fire()
    }

    /// Wakes the sender every flush interval, until cancelled.
    private func tick() async {
        while true {
            do { try await Task.sleep(for: configuration.flushInterval) } catch { return }
            wake.fire()
        }
    }

    /// The background loop: sleeps until woken, sends what is pending; after a stop request,
    /// sends until nothing is pending and returns.
    private func sendUntilStopped() async {
        while !Task.isCancelled {
            let stopping = stopRequested.isOpen
            if !stopping { await wake.wait() }
            guard !Task.isCancelled else { return }
            if state.withLock({ $0.statistics.pending }) > 0 {
                guard await drainExclusively() else { return }
            }
            if stopping, state.withLock({ $0.statistics.pending }) == 0 { return }
        }
    }

    /// Takes the gate and drains; false when cancelled or interrupted.
    private func drainExclusively() async -> Bool {
        guard await gate.acquire() else { return false }
        defer { gate.release() }
        reportInvalidRecords()
        return await drain()
    }

    /// Counts what is left as abandoned, shuts down the recorder's own HTTP client and releases
    /// everyone waiting for the close.
    private func close() async {
        reportInvalidRecords()
        let (client, abandoned) = state.withLock { $0.close() }
        if abandoned > 0 {
            logger.warning(
                "Tradewatch recorder closed with unsent records; they are lost",
                metadata: ["abandoned": "\(abandoned)", "statistics": "\(statistics)"])
        } else {
            logger.debug("Tradewatch recorder closed", metadata: ["statistics": "\(statistics)"])
        }
        if let client {
            do {
                try await client.shutdown()
            } catch {
                logger.warning("Tradewatch recorder's HTTP client did not shut down cleanly", metadata: ["error": "\(error)"])
            }
        }
        closed.open()
    }

    /// Logs the records refused since the last report, in one line.
    func reportInvalidRecords() {
        guard let (count, problem) = state.withLock({ $0.takeUnreported() }) else { return }
        logger.warning(
            "Tradewatch recorder refused invalid records: the server would reject them",
            metadata: ["count": "\(count)", "first": "\(problem)"])
    }
}
