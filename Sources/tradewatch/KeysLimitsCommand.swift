import ArgumentParser
import Foundation
import TradewatchStorage

extension KeysCommand {
    /// `tradewatch keys limits NAME --query-rate 5 …`: the key's own rate limits, over the server's.
    struct Limits: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show or set an API key's own rate limits (over the server's --query-rate and others).",
            discussion: """
                Each value is a number, `off` (no limit for this key) or `default` (the server's limit \
                again). Without options the key's limits are shown. A running server applies changes \
                within 5 seconds.
                """)

        @Argument(help: "The key's name or id (see `tradewatch keys list`).")
        var key: String

        @Option(help: "Query requests per second.")
        var queryRate: String?

        @Option(help: "Query requests at once beyond the rate (default: twice this key's query rate when it has one).")
        var queryBurst: String?

        @Option(help: "Queries running at once.")
        var maxConcurrentQueries: String?

        @Option(help: "Write requests per second.")
        var writeRate: String?

        @Option(help: "Rows written per second.")
        var writeRowsRate: String?

        @OptionGroup var dataDirectory: OperationalDataDirectory

        func run() async throws {
            // Checked before the database is touched.
            let changes = try parsedChanges()
            guard FileManager.default.fileExists(atPath: dataDirectory.databasePath) else {
                throw FatalError("no API key \"\(key)\": \(dataDirectory.databasePath) does not exist")
            }
            let store = try OperationalStore(path: dataDirectory.databasePath)
            defer { try? store.close() }
            var record = try await store.apiKey(named: key)
            if record == nil { record = try await store.apiKey(id: key) }
            guard let record else {
                throw FatalError("no API key is named or has the id \"\(key)\"; see `tradewatch keys list`")
            }
            var limits = try await store.apiKeyRateLimits(keyID: record.id) ?? APIKeyRateLimits(keyID: record.id)
            if !changes.isEmpty {
                for change in changes { change.apply(&limits) }
                limits.updatedAt = Date()
                try await store.setAPIKeyRateLimits(limits)
            }
            let verb = changes.isEmpty ? "Rate limits of" : "Set the rate limits of"
            print("\(verb) API key \"\(record.name)\" (id \(record.id)):")
            print("  query-rate              \(Self.describe(limits.queryRate))")
            print("  query-burst             \(Self.describe(limits.queryBurst))")
            print("  max-concurrent-queries  \(Self.describe(limits.maxConcurrentQueries.map(Double.init)))")
            print("  write-rate              \(Self.describe(limits.writeRate))")
            print("  write-rows-rate         \(Self.describe(limits.writeRowsRate))")
            if record.revokedAt != nil { print("The key is revoked: requests with it are refused whatever its limits.") }
        }

        /// One option's new value: `nil` inherits the server's, 0 is off.
        struct Change {
            let field: WritableKeyPath<APIKeyRateLimits, Double?>?
            let intField: WritableKeyPath<APIKeyRateLimits, Int?>?
            let value: Double?

            func apply(_ limits: inout APIKeyRateLimits) {
                if let field { limits[keyPath: field] = value }
                if let intField { limits[keyPath: intField] = value.map { Int($0) } }
            }
        }

        func parsedChanges() throws -> [Change] {
            var changes: [Change] = []
            if let queryRate {
                changes.append(.init(field: \.queryRate, intField: nil, value: try Self.value(queryRate, "--query-rate")))
            }
            if let queryBurst {
                let burst = try Self.value(queryBurst, "--query-burst", allowOff: false)
                if let burst, burst < 1 { throw ValidationError("--query-burst \(queryBurst) must be at least 1") }
                changes.append(.init(field: \.queryBurst, intField: nil, value: burst))
            }
            if let maxConcurrentQueries {
                let value = try Self.value(maxConcurrentQueries, "--max-concurrent-queries")
                if let value, value != value.rounded() {
                    throw ValidationError("--max-concurrent-queries \(maxConcurrentQueries) is not a whole number")
                }
                changes.append(.init(field: nil, intField: \.maxConcurrentQueries, value: value))
            }
            if let writeRate {
                changes.append(.init(field: \.writeRate, intField: nil, value: try Self.value(writeRate, "--write-rate")))
            }
            if let writeRowsRate {
                changes.append(
                    .init(field: \.writeRowsRate, intField: nil, value: try Self.value(writeRowsRate, "--write-rows-rate")))
            }
            return changes
        }

        /// `default` → `nil`, `off` → 0, else a number of at least 0.
        static func value(_ text: String, _ option: String, allowOff: Bool = true) throws -> Double? {
            switch text.lowercased() {
            case "default": return nil
            case "off" where allowOff: return 0
            default:
                guard let number = Double(text), number.isFinite, number >= 0, number <= 1e12 else {
                    throw ValidationError(
                        "\(option) \(text) is not \(allowOff ? "a number of at least 0, off or default" : "a number or default")")
                }
                return number
            }
        }

        /// `5`, `off`, or `server's` for an inherited value.
        static func describe(_ value: Double?) -> String {
            guard let value else { return "server's" }
            if value == 0 { return "off" }
            return value == value.rounded() ? String(Int64(value)) : String(value)
        }
    }
}
