import Testing
import TradewatchIngest

@testable import TradewatchServer

/// How write refusals are answered: the status and headers an InfluxDB client or a JSON client
/// acts on (the bodies are checked against a real server in IngestEndpointTests).
@Suite struct IngestErrorResponseTests {
    @Test func aCommitShortOfMemoryIsARetryable503LikeAFullQueue() {
        let outOfMemory = IngestError.outOfMemory("DuckDB query failed: failed to pin block", retryAfterSeconds: 1)
        for response in [
            IngestController.influxError(outOfMemory),
            IngestController.problem(outOfMemory, correlationID: "c1"),
            IngestController.influxError(.queueFull(retryAfterSeconds: 1)),
        ] {
            #expect(response.status == .serviceUnavailable)
            #expect(response.headers[.retryAfter] == "1")
        }
        let failed = IngestController.influxError(.commitFailed("disk full"))
        #expect(failed.status == .internalServerError)
        #expect(failed.headers[.retryAfter] == nil, "a failure that retrying will not cure promises no retry")
    }
}
