extension TradewatchRecorder {
    /// What happened to the records so far; read at any time with ``TradewatchRecorder/statistics``.
    ///
    /// Every accepted record ends up in exactly one place:
    /// `recorded == sent + rejected + abandoned + pending`.
    public struct Statistics: Sendable, Hashable, CustomStringConvertible {
        /// Records accepted into the buffer.
        public internal(set) var recorded = 0
        /// Records the server acknowledged (stored).
        public internal(set) var sent = 0
        /// Records not accepted because the buffer was full or the recorder had shut down.
        public internal(set) var dropped = 0
        /// Records refused when recorded because the server would reject them (a non-finite
        /// number, a negative quantity, a required text left empty); the warning log names the
        /// first of each run.
        public internal(set) var invalid = 0
        /// Records the server refused (a 4xx answer other than 429): their request is not retried.
        public internal(set) var rejected = 0
        /// Records still unsent when shutdown's time ran out (or the recorder's task was cancelled).
        public internal(set) var abandoned = 0
        /// Send attempts that failed and were retried (connection errors, 429, 5xx).
        public internal(set) var failedAttempts = 0
        /// Records accepted and not yet sent, rejected or abandoned.
        public internal(set) var pending = 0

        public var description: String {
            "recorded \(recorded), sent \(sent), pending \(pending), dropped \(dropped), invalid \(invalid), "
                + "rejected \(rejected), abandoned \(abandoned), failed attempts \(failedAttempts)"
        }
    }
}
