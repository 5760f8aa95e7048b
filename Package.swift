// swift-tools-version: 6.2
import PackageDescription

// DuckDB's C library: fetched into .duckdb/ by scripts/setup-duckdb.sh (run by `make`), or an
// official release named by DUCKDB_LIB_DIR and DUCKDB_INCLUDE_DIR. The PyPI build leaves Python
// symbols undefined, so it is linked with libpython3.11; an official libduckdb.so is not.
let environment = Context.environment
let fetchedDuckDB = "\(Context.packageDirectory)/.duckdb"
let duckDBIncludeDirectory = environment["DUCKDB_INCLUDE_DIR"] ?? "\(fetchedDuckDB)/include"
let duckDBLibraryDirectory = environment["DUCKDB_LIB_DIR"] ?? "\(fetchedDuckDB)/lib"
// DUCKDB_LINK_PYTHON=1 also links libpython3.11 for a library of your own taken from the wheel.
let duckDBNeedsPython = environment["DUCKDB_LINK_PYTHON"].map { $0 == "1" } ?? (environment["DUCKDB_LIB_DIR"] == nil)

let duckDBCompilerFlags = ["-Xcc", "-I\(duckDBIncludeDirectory)"]
// The rpath lets built binaries find libduckdb.so without LD_LIBRARY_PATH.
let duckDBLinkerSettings: [LinkerSetting] = [
    .unsafeFlags(["-L\(duckDBLibraryDirectory)", "-Xlinker", "-rpath", "-Xlinker", duckDBLibraryDirectory]),
    .linkedLibrary("duckdb"),
] + (duckDBNeedsPython ? [.linkedLibrary("python3.11")] : [])

/// Settings every Tradewatch target shares: Swift 6 mode (set below), no warnings, explicit `any`.
let sharedSwiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
    .treatAllWarnings(as: .error),
    // Lets modules that import DuckDB (and tests using @testable) find DuckDB's header.
    .unsafeFlags(duckDBCompilerFlags),
]

let package = Package(
    name: "Tradewatch",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "tradewatch", targets: ["tradewatch"]),
        .executable(name: "duckdb-benchmark", targets: ["DuckDBBenchmark"]),
        .executable(name: "line-protocol-benchmark", targets: ["LineProtocolBenchmark"]),
        .executable(name: "ingest-benchmark", targets: ["IngestBenchmark"]),
        .executable(name: "query-benchmark", targets: ["QueryBenchmark"]),
        .executable(name: "live-benchmark", targets: ["LiveBenchmark"]),
        .executable(name: "collector-benchmark", targets: ["CollectorBenchmark"]),
        .library(name: "DuckDB", targets: ["DuckDB"]),
        .library(name: "TradewatchClient", targets: ["TradewatchClient"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket", from: "2.8.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/adam-fowler/compress-nio", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
    ],
    targets: [
        .systemLibrary(name: "CDuckDB", path: "Sources/CDuckDB"),
        .target(
            name: "DuckDB",
            dependencies: ["CDuckDB"],
            swiftSettings: sharedSwiftSettings,
            linkerSettings: duckDBLinkerSettings
        ),
        .target(name: "TradewatchCore", swiftSettings: sharedSwiftSettings),
        .target(
            name: "TradewatchStorage",
            dependencies: [
                "DuckDB",
                "TradewatchCore",
                // SHA-256 checksums of backups (Backup/).
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: sharedSwiftSettings
        ),
        .target(
            name: "TradewatchIngest",
            dependencies: [
                "TradewatchCore",
                "TradewatchStorage",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: sharedSwiftSettings
        ),
        .target(
            name: "TradewatchQuery",
            dependencies: [
                "DuckDB",
                "TradewatchCore",
                "TradewatchStorage",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: sharedSwiftSettings
        ),
        .target(
            name: "TradewatchLive",
            dependencies: [
                "TradewatchCore",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: sharedSwiftSettings
        ),
        // Host and process health read from /proc and statvfs, as metrics rows.
        .target(
            name: "TradewatchSystem",
            dependencies: [
                "TradewatchCore",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: sharedSwiftSettings
        ),
        // API keys (salted hashes in SQLite), scopes, rate limiting.
        .target(
            name: "TradewatchAuth",
            dependencies: [
                "TradewatchStorage",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: sharedSwiftSettings
        ),
        // The client SDK trading processes record through: batches of line protocol, retries.
        .target(
            name: "TradewatchClient",
            dependencies: [
                "TradewatchCore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: sharedSwiftSettings
        ),
        // A deterministic market and strategy simulator that records through the client SDK.
        .target(
            name: "TradewatchSimulator",
            dependencies: [
                "TradewatchClient",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: sharedSwiftSettings
        ),
        .target(
            name: "TradewatchServer",
            dependencies: [
                "DuckDB",
                "TradewatchCore",
                "TradewatchStorage",
                "TradewatchIngest",
                "TradewatchQuery",
                "TradewatchLive",
                "TradewatchSystem",
                "TradewatchAuth",
                "TradewatchClient",
                "TradewatchSimulator",
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            // The dashboard's page, scripts and styles, read into memory once (Dashboard/).
            resources: [.copy("Dashboard/Public")],
            swiftSettings: sharedSwiftSettings
        ),
        .executableTarget(
            name: "tradewatch",
            dependencies: [
                "DuckDB",
                "TradewatchCore",
                "TradewatchStorage",
                "TradewatchIngest",
                "TradewatchServer",
                "TradewatchAuth",
                "TradewatchClient",
                "TradewatchSimulator",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: sharedSwiftSettings
        ),
        // The baseline the wrapper is measured against: the same append loop written in C.
        .target(
            name: "CAppenderBaseline",
            cSettings: [.unsafeFlags(["-I\(duckDBIncludeDirectory)", "-O2"])],
            linkerSettings: duckDBLinkerSettings
        ),
        .executableTarget(
            name: "DuckDBBenchmark",
            dependencies: ["DuckDB", "CAppenderBaseline"],
            swiftSettings: sharedSwiftSettings
        ),
        .executableTarget(
            name: "LineProtocolBenchmark",
            dependencies: ["TradewatchCore"],
            path: "Benchmarks/LineProtocolBenchmark",
            swiftSettings: sharedSwiftSettings
        ),
        .executableTarget(
            name: "IngestBenchmark",
            path: "Benchmarks/IngestBenchmark",
            swiftSettings: sharedSwiftSettings
        ),
        .executableTarget(
            name: "QueryBenchmark",
            dependencies: ["DuckDB", "TradewatchQuery"],
            path: "Benchmarks/QueryBenchmark",
            swiftSettings: sharedSwiftSettings
        ),
        // <sys/epoll.h> for the live benchmark's subscribers.
        .target(name: "CEpoll", path: "Benchmarks/CEpoll"),
        .executableTarget(
            name: "LiveBenchmark",
            dependencies: [
                "CEpoll",
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/LiveBenchmark",
            swiftSettings: sharedSwiftSettings
        ),
        .executableTarget(
            name: "CollectorBenchmark",
            dependencies: ["TradewatchSystem"],
            path: "Benchmarks/CollectorBenchmark",
            swiftSettings: sharedSwiftSettings
        ),
        // Helpers every test target shares (temporary folders, file snapshots).
        .target(
            name: "TradewatchTestSupport",
            dependencies: ["TradewatchCore", .product(name: "Logging", package: "swift-log")], path: "Tests/Support",
            swiftSettings: sharedSwiftSettings),
        .testTarget(
            name: "DuckDBTests",
            dependencies: ["DuckDB", "TradewatchTestSupport"],
            swiftSettings: sharedSwiftSettings
        ),
        .testTarget(
            name: "TradewatchStorageTests",
            dependencies: [
                "TradewatchStorage", "DuckDB", "TradewatchTestSupport", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: sharedSwiftSettings
        ),
        .testTarget(
            name: "TradewatchIngestTests",
            dependencies: [
                "TradewatchIngest", "TradewatchStorage", "TradewatchCore", "TradewatchTestSupport",
                .product(name: "MetricsTestKit", package: "swift-metrics"),
            ],
            swiftSettings: sharedSwiftSettings
        ),
        .testTarget(
            name: "TradewatchQueryTests",
            dependencies: [
                "TradewatchQuery", "TradewatchStorage", "TradewatchCore", "DuckDB", "TradewatchTestSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: sharedSwiftSettings
        ),
        .testTarget(
            name: "TradewatchLiveTests",
            dependencies: [
                "TradewatchLive", "TradewatchCore", "TradewatchTestSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: sharedSwiftSettings
        ),
        .testTarget(
            name: "TradewatchServerTests",
            dependencies: [
                "TradewatchServer", "TradewatchStorage", "TradewatchCore", "TradewatchTestSupport", "DuckDB",
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: sharedSwiftSettings
        ),
        .testTarget(
            name: "TradewatchSystemTests",
            dependencies: ["TradewatchSystem", "TradewatchCore", "TradewatchTestSupport"],
            swiftSettings: sharedSwiftSettings
        ),
        .testTarget(
            name: "TradewatchAuthTests",
            dependencies: ["TradewatchAuth", "TradewatchStorage", "TradewatchTestSupport"],
            swiftSettings: sharedSwiftSettings
        ),
        .testTarget(
            name: "TradewatchClientTests",
            dependencies: [
                "TradewatchClient", "TradewatchServer", "TradewatchStorage", "TradewatchTestSupport", "TradewatchCore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: sharedSwiftSettings
        ),
        .testTarget(
            name: "TradewatchSimulatorTests",
            dependencies: [
                "TradewatchSimulator", "TradewatchClient", "TradewatchTestSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: sharedSwiftSettings
        ),
        .testTarget(
            name: "TradewatchCoreTests",
            dependencies: ["TradewatchCore"],
            swiftSettings: sharedSwiftSettings
        ),
    ],
    swiftLanguageModes: [.v6]
)
