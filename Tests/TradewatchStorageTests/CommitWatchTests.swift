import Testing
import TradewatchTestSupport
@testable import TradewatchStorage

/// The background checkpoint waits for the end of the next commit, so that it starts when the
/// writer has the most time before the following one; the wait is bounded for idle servers.
@Suite(.timeLimit(.minutes(1))) struct CommitWatchTests {
    static func store(_ folder: TemporaryDirectory) throws -> AnalyticsStore {
        try AnalyticsStore(path: folder.path("watch.duckdb"), configuration: .init(readConnections: 1))
    }

    /// Waits (at most 10 s) until `count` tasks wait for the next commit.
    static func waitForWaiters(_ store: AnalyticsStore, _ count: Int) async throws {
        let deadline = ContinuousClock.now + .seconds(10)
        while store.commitWatch.waiting < count, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(5)) }
        #expect(store.commitWatch.waiting == count)
    }

    @Test func waitersReturnWhenTheNextCommitEnds() async throws {
        let folder = try TemporaryDirectory()
        let store = try Self.store(folder)
        defer { store.close(); withExtendedLifetime(folder) {} }
        let started = ContinuousClock.now
        async let first: Void = store.afterNextCommit(timeout: .seconds(50))
        async let second: Void = store.afterNextCommit(timeout: .seconds(50))
        try await Self.waitForWaiters(store, 2)
        try await store.commit([], sequence: 1)
        _ = await (first, second)
        #expect(ContinuousClock.now - started < .seconds(50), "they returned with the commit, not at their time limit")
        #expect(store.commitWatch.waiting == 0)
        #expect(try await store.lastCommitSequence() == 1)
    }

    @Test func aCommitThatEndedBeforeTheWaitDoesNotCountAndTheTimeLimitEndsIt() async throws {
        let folder = try TemporaryDirectory()
        let store = try Self.store(folder)
        defer { store.close(); withExtendedLifetime(folder) {} }
        try await store.commit([], sequence: 1)
        let started = ContinuousClock.now
        await store.afterNextCommit(timeout: .milliseconds(300))
        #expect(ContinuousClock.now - started >= .milliseconds(300), "it waited for a commit after it began")
        #expect(store.commitWatch.waiting == 0, "the timed-out waiter is gone")
    }

    @Test func aFailedCommitEndsTheWaitToo() async throws {
        let folder = try TemporaryDirectory()
        let store = try Self.store(folder)
        defer { store.close(); withExtendedLifetime(folder) {} }
        try await store.commit([], sequence: 1)
        async let waited: Void = store.afterNextCommit(timeout: .seconds(50))
        try await Self.waitForWaiters(store, 1)
        // The same sequence again: the commit log's primary key refuses it.
        await #expect(throws: (any Error).self) { try await store.commit([], sequence: 1) }
        await waited
        #expect(store.commitWatch.waiting == 0)
    }
}
