import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Synchronization

/// A URLSession of its own for the crash test's writers, so their connections to the killed
/// server do not linger in the shared session other tests use.
final class CrashWriteSession: Sendable {
    private let session: URLSession

    init(connections: Int) {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpMaximumConnectionsPerHost = connections
        configuration.timeoutIntervalForRequest = 10
        session = URLSession(configuration: configuration)
    }

    /// POSTs line protocol and returns the status.
    func post(_ url: URL, body: Data) async throws -> Int {
        var request = URLRequest(url: url)
        request.httpMethod = "POST"
        request.httpBody = body
        request.setValue("text/plain; charset=utf-8", forHTTPHeaderField: "Content-Type")
        let (_, response) = try await session.data(for: request)
        return (response as? HTTPURLResponse)?.statusCode ?? 0
    }

    func invalidate() { session.invalidateAndCancel() }
}

/// Set once the test has killed the server: errors before it are failures, after it expected.
final class KillSwitch: Sendable {
    private let killed = Atomic(false)
    private let acknowledged = Atomic(0)

    var isSet: Bool { killed.load(ordering: .acquiring) }

    /// Requests answered 204 so far, by every writer.
    var acknowledgements: Int { acknowledged.load(ordering: .acquiring) }

    func set() { killed.store(true, ordering: .releasing) }

    func acknowledge() { acknowledged.add(1, ordering: .releasing) }
}
