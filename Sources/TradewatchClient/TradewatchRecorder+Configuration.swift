public import Foundation

extension TradewatchRecorder {
    /// How the recorder buffers and sends. The defaults suit a trading process recording up to
    /// tens of thousands of records per second to a server on the same network.
    public struct Configuration: Sendable {
        /// The server, e.g. `http://127.0.0.1:8080` (a path prefix is kept: `https://host/tw`).
        public var baseURL: URL
        /// Sent as `Authorization: Token <key>` when set. Default: none.
        public var apiKey: String?
        /// Records per request; a batch is sent as soon as this many are buffered. Default 5,000.
        public var batchSize: Int
        /// Longest time a record waits in the buffer before it is sent. Default 1 s.
        public var flushInterval: Duration
        /// Records held at most (buffered plus being sent). Records that do not fit are counted
        /// as `dropped` and never block the caller. Default 100,000.
        public var bufferCapacity: Int
        /// Longest time one write request may take, connecting included. Default 10 s.
        public var requestTimeout: Duration
        /// Waits between retries of a failed request. Default 100 ms doubling up to 30 s.
        public var retryBackoff: RetryBackoff
        /// Longest time shutting down may spend sending what is buffered; what is still unsent
        /// then is counted as `abandoned`. Default 5 s.
        public var shutdownTimeout: Duration
        /// Fills the `service` of log entries that carry none. Default: none.
        public var service: String?
        /// Sent as `User-Agent`, so that the server's access log tells producers apart.
        /// Default `tradewatch-swift-client`.
        public var userAgent: String

        public init(
            baseURL: URL, apiKey: String? = nil, batchSize: Int = 5_000, flushInterval: Duration = .seconds(1),
            bufferCapacity: Int = 100_000, requestTimeout: Duration = .seconds(10),
            retryBackoff: RetryBackoff = RetryBackoff(), shutdownTimeout: Duration = .seconds(5), service: String? = nil,
            userAgent: String = "tradewatch-swift-client"
        ) {
            self.baseURL = baseURL
            self.apiKey = apiKey
            self.batchSize = batchSize
            self.flushInterval = flushInterval
            self.bufferCapacity = bufferCapacity
            self.requestTimeout = requestTimeout
            self.retryBackoff = retryBackoff
            self.shutdownTimeout = shutdownTimeout
            self.service = service
            self.userAgent = userAgent
        }

        /// The same settings made usable: a capacity of at least one record and a batch size
        /// between one and the capacity.
        var normalized: Configuration {
            var copy = self
            copy.bufferCapacity = max(1, bufferCapacity)
            copy.batchSize = min(max(1, batchSize), copy.bufferCapacity)
            return copy
        }

        /// The absolute URL of a path relative to the base URL.
        func url(_ path: String) -> String {
            var base = baseURL.absoluteString
            if !base.hasSuffix("/") { base += "/" }
            return base + path
        }
    }
}
