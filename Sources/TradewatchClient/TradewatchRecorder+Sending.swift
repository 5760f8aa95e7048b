import AsyncHTTPClient
import NIOCore

extension TradewatchRecorder {
    /// Sends everything pending, oldest first: requests an interrupted drain left, then the
    /// buffered records in batches of `batchSize`. Returns false when interrupted (the task was
    /// cancelled or the recorder closed), after putting back what it did not send, so that
    /// nothing is sent twice or lost. The caller holds the gate.
    func drain() async -> Bool {
        let (carried, records) = state.withLock { $0.takePending(reservingCapacity: configuration.batchSize) }
        for index in carried.indices {
            guard await deliverCounting(carried[index]) else {
                state.withLock { $0.putBack(requests: carried[index...], records: records[...]) }
                return false
            }
        }
        var start = records.startIndex
        while start < records.endIndex {
            let end = min(start + configuration.batchSize, records.endIndex)
            let requests = WriteRequest.requests(for: records[start..<end], defaultService: configuration.service)
            for index in requests.indices {
                guard await deliverCounting(requests[index]) else {
                    state.withLock { $0.putBack(requests: requests[index...], records: records[end...]) }
                    return false
                }
            }
            start = end
        }
        return true
    }

    /// Delivers one request and counts its records as sent or rejected; false when interrupted.
    private func deliverCounting(_ request: WriteRequest) async -> Bool {
        switch await deliver(request) {
        case .stored:
            state.withLock { $0.delivered(request.records) }
            return true
        case .rejected:
            state.withLock { $0.rejected(request.records) }
            return true
        case .interrupted:
            return false
        }
    }

    enum Delivery {
        case stored
        case rejected
        case interrupted
    }

    /// Sends the request until the server stores or refuses it, waiting with backoff between
    /// failed attempts. Only the task's cancellation or the recorder's close interrupt it.
    func deliver(_ request: WriteRequest) async -> Delivery {
        var failures = 0
        while true {
            guard !Task.isCancelled, let client = httpClient() else { return .interrupted }
            let outcome = await attempt(request, with: client)
            let retryAfter: Duration?
            switch outcome {
            case .stored:
                if failures > 0 {
                    logger.info("Tradewatch write stored after retrying", metadata: ["attempts": "\(failures + 1)"])
                }
                return .stored
            case .refused(let status, let message):
                logger.error(
                    "Tradewatch refused a write; its records are dropped",
                    metadata: ["status": "\(status)", "records": "\(request.records)", "request": "\(request.summary)",
                               "message": "\(message)"])
                return .rejected
            case .failed(let reason, let after):
                guard !Task.isCancelled, !state.withLock({ $0.isClosed }) else { return .interrupted }
                retryAfter = after
                failures += 1
                state.withLock { $0.failedAttempt() }
                let delay = configuration.retryBackoff.delay(afterFailures: failures, retryAfter: retryAfter)
                // The first failure of a request is worth a warning; the rest of a long outage is not.
                logger.log(
                    level: failures == 1 || failures.isMultiple(of: 20) ? .warning : .debug,
                    "Tradewatch write failed; retrying",
                    metadata: ["reason": "\(reason)", "attempt": "\(failures)", "retry_in": "\(delay)",
                               "request": "\(request.summary)"])
                do { try await Task.sleep(for: delay) } catch { return .interrupted }
            }
        }
    }

    enum Attempt {
        case stored
        /// The server will not take this request as it is: retrying cannot help.
        case refused(status: Int, message: String)
        /// Worth retrying: a connection problem, 408, 429 or 5xx.
        case failed(reason: String, retryAfter: Duration?)
    }

    private func attempt(_ write: WriteRequest, with client: HTTPClient) async -> Attempt {
        var request = HTTPClientRequest(url: configuration.url(write.path))
        request.method = .POST
        request.headers.add(name: "Content-Type", value: write.contentType)
        request.headers.add(name: "User-Agent", value: configuration.userAgent)
        if let apiKey = configuration.apiKey {
            request.headers.add(name: "Authorization", value: "Token \(apiKey)")
        }
        request.body = .bytes(write.body)
        do {
            let timeout = TimeAmount.nanoseconds(Int64(min(configuration.requestTimeout.nanoseconds, 9e18)))
            let response = try await client.execute(request, timeout: timeout)
            // Read the (small) answer whole: error messages live there, and it frees the connection.
            let body = try await response.body.collect(upTo: 64 * 1024)
            let status = Int(response.status.code)
            switch status {
            case 200..<300:
                return .stored
            case 408, 429, 500..<600:
                let retryAfter = response.headers.first(name: "Retry-After").flatMap { Int64($0) }.map { Duration.seconds($0) }
                return .failed(reason: "HTTP \(status) \(String(buffer: body).prefix(200))", retryAfter: retryAfter)
            default:
                return .refused(status: status, message: String(String(buffer: body).prefix(2_000)))
            }
        } catch {
            return .failed(reason: "\(error)", retryAfter: nil)
        }
    }

    /// The client to send with: the one handed in, or the recorder's own, made on first use.
    /// Nil once the recorder is closed.
    private func httpClient() -> HTTPClient? {
        state.withLock { state in
            guard !state.isClosed else { return nil }
            if let providedClient { return providedClient }
            if let client = state.ownedClient { return client }
            let timeout = TimeAmount.nanoseconds(Int64(min(configuration.requestTimeout.nanoseconds, 9e18)))
            var clientConfiguration = HTTPClient.Configuration(timeout: .init(connect: timeout, read: timeout))
            // A refused connection fails the attempt at once: the recorder retries with its own
            // backoff and counts the failure, instead of the pool retrying until the deadline.
            clientConfiguration.connectionPool.retryConnectionEstablishment = false
            let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: clientConfiguration)
            state.ownedClient = client
            return client
        }
    }
}
