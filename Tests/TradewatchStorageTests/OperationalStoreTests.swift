import Foundation
import GRDB
import Testing
import TradewatchTestSupport
import TradewatchStorage

@Suite struct OperationalStoreTests {
    @Test func migratesOnceAndRestartsIdempotently() async throws {
        let folder = try TemporaryDirectory()
        let path = folder.path("operational.sqlite")
        do {
            let store = try OperationalStore(path: path)
            let applied = try await store.appliedMigrations()
            #expect(applied.first == "v1 operational tables")
            #expect(applied.last == store.latestMigration)
            try await store.upsertOrder(OrderRecord(orderId: "o-1", symbol: "AAPL", side: "buy", quantity: 10, status: "new"))
            try store.close()
        }
        let reopened = try OperationalStore(path: path)
        let reapplied = try await reopened.appliedMigrations()
        #expect(reapplied.first == "v1 operational tables" && reapplied.last == reopened.latestMigration)
        #expect(try await reopened.order(id: "o-1")?.status == "new")
        #expect(try await reopened.integrityCheck() == ["ok"])
        try reopened.close()
    }

    @Test func connectionIsTunedForAServer() async throws {
        let folder = try TemporaryDirectory()
        let store = try OperationalStore(path: folder.path("operational.sqlite"))
        defer { try? store.close() }
        let settings = try await store.connectionSettings()
        #expect(settings["journal_mode"] == "wal")
        #expect(settings["synchronous"] == "1")  // NORMAL
        #expect(settings["cache_size"] == "-65536")  // 64 MiB
        #expect(settings["busy_timeout"] == "5000")
    }

    @Test func ordersAreUpsertedAsTheyChange() async throws {
        let store = try OperationalStore(writer: try DatabaseQueue())
        var order = OrderRecord(
            orderId: "o-42", strategy: "momentum", symbol: "ETH-USD", side: "sell", quantity: 3, limitPrice: 3200,
            status: "new", correlationId: "req-7")
        try await store.upsertOrder(order)
        order.filledQuantity = 1
        order.averageFillPrice = 3201
        order.status = "partially_filled"
        try await store.upsertOrder(order)
        order.filledQuantity = 3
        order.status = "filled"
        try await store.upsertOrder(order)

        #expect(try await store.countOrders() == 1)
        let stored = try #require(try await store.order(id: "o-42"))
        #expect(stored.status == "filled")
        #expect(stored.filledQuantity == 3)
        #expect(stored.averageFillPrice == 3201)
        #expect(stored.correlationId == "req-7")
        #expect(try await store.orders(strategy: "momentum").map(\.orderId) == ["o-42"])
        #expect(try await store.order(id: "missing") == nil)
    }

    @Test func concurrentReadersDuringWrites() async throws {
        let folder = try TemporaryDirectory()
        let store = try OperationalStore(path: folder.path("operational.sqlite"))
        defer { try? store.close() }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for index in 0..<300 {
                    try await store.upsertOrder(OrderRecord(
                        orderId: "o-\(index % 50)", strategy: "mm", symbol: "AAPL", side: "buy", quantity: 1,
                        filledQuantity: Double(index), status: "new"))
                }
            }
            for _ in 0..<3 {
                group.addTask {
                    var last = 0
                    for _ in 0..<100 {
                        let count = try await store.countOrders()
                        #expect(count >= last && count <= 50)
                        last = count
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(try await store.countOrders() == 50)
    }

    @Test func unknownMigrationIsRefused() async throws {
        let queue = try DatabaseQueue()
        _ = try OperationalStore(writer: queue)
        try await queue.write { db in
            try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99 from the future')")
        }
        let error = try #require(throws: StoreError.self) { try OperationalStore(writer: queue) }
        #expect(error.message.contains("v99 from the future"))
    }

    @Test func fileThatIsNotSQLiteIsRefusedUnchanged() throws {
        let folder = try TemporaryDirectory()
        let path = folder.path("operational.sqlite")
        let junk = Data("this is a spreadsheet export, not a database\n".utf8)
        _ = FileManager.default.createFile(atPath: path, contents: junk)
        let error = try #require(throws: StoreError.self) { try OperationalStore(path: path) }
        #expect(error.message.hasPrefix("cannot open operational database \(path)"))
        #expect(error.message.contains("not a database"))
        #expect(contents(path) == junk)
    }

    @Test func truncatedSQLiteFileIsRefusedUnchanged() async throws {
        let folder = try TemporaryDirectory()
        let path = folder.path("operational.sqlite")
        do {
            let store = try OperationalStore(path: path)
            for index in 0..<2_000 {
                try await store.upsertOrder(OrderRecord(orderId: "order-\(index)", symbol: "AAPL", side: "buy", quantity: 1, status: "new"))
            }
            try store.close()
        }
        let whole = try #require(contents(path))
        let truncated = whole.prefix(whole.count / 2)
        _ = FileManager.default.createFile(atPath: path, contents: truncated)
        for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        let error = try #require(throws: StoreError.self) { try OperationalStore(path: path) }
        #expect(error.message.contains("\(path) is truncated"))
        #expect(contents(path) == truncated)
    }
}
