// swift-tools-version:6.0
import PackageDescription

/// Compiler settings applied once to every Swift target.
let swiftSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "InkBridge",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "inkbridge", targets: ["inkbridge"]),
    ],
    targets: [
        // C libraries from Debian, each behind a system-library target with a shim header.
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CMicroHTTPD", pkgConfig: "libmicrohttpd", providers: [.apt(["libmicrohttpd-dev"])]),
        .systemLibrary(name: "CCrypto", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        // The hub's memory allocator (README: why); linked into the `inkbridge` executable only.
        .systemLibrary(name: "CMimalloc", providers: [.apt(["libmimalloc-dev"])]),

        // The core: events, config, connector protocol, bus, store, HTTP client, crypto.
        .target(name: "InkBridgeCore", dependencies: ["CCurl", "CSQLite", "CCrypto"],
                swiftSettings: swiftSettings),
        // A small HTTP server over libmicrohttpd, shared by the API and the emulators.
        .target(name: "MicroHTTP", dependencies: ["CMicroHTTPD"], swiftSettings: swiftSettings),
        // The HTTP API of `inkbridge serve`.
        .target(name: "InkBridgeServer", dependencies: ["InkBridgeCore", "MicroHTTP"],
                swiftSettings: swiftSettings),
        // Local emulators of the external systems, shared by the tests and `inkbridge demo`.
        .target(name: "InkBridgeSandbox", dependencies: ["InkBridgeCore", "MicroHTTP"],
                swiftSettings: swiftSettings),

        // Connector plugins: one module each, depending on the core only.
        .target(name: "Webhook", dependencies: ["InkBridgeCore"], path: "Plugins/Webhook",
                swiftSettings: swiftSettings),
        .target(name: "CRMSync", dependencies: ["InkBridgeCore"], path: "Plugins/CRMSync",
                swiftSettings: swiftSettings),
        .target(name: "TicketingLink", dependencies: ["InkBridgeCore"], path: "Plugins/TicketingLink",
                swiftSettings: swiftSettings),
        .target(name: "StorageArchive", dependencies: ["InkBridgeCore"], path: "Plugins/StorageArchive",
                swiftSettings: swiftSettings),

        .executableTarget(name: "inkbridge",
                          dependencies: ["CMimalloc", "InkBridgeCore", "InkBridgeServer", "InkBridgeSandbox",
                                         "Webhook", "CRMSync", "TicketingLink", "StorageArchive"],
                          swiftSettings: swiftSettings),
        // `make bench`: the hub against this machine's measured limits. Touches C directly (a benchmark may).
        .executableTarget(name: "inkbridge-bench",
                          dependencies: ["InkBridgeCore", "InkBridgeServer", "MicroHTTP", "CCurl", "CSQLite", "Webhook"],
                          swiftSettings: swiftSettings),

        // Archives one document with storage.s3 and prints its peak RSS: the
        // StorageArchive tests run it to bound memory in a process of its own.
        .executableTarget(name: "storage-probe", dependencies: ["InkBridgeCore", "StorageArchive"],
                          swiftSettings: swiftSettings),

        .testTarget(name: "InkBridgeCoreTests", dependencies: ["InkBridgeCore", "InkBridgeSandbox", "Webhook", "MicroHTTP"],
                    swiftSettings: swiftSettings),
        .testTarget(name: "WebhookTests", dependencies: ["InkBridgeCore", "InkBridgeSandbox", "Webhook"],
                    swiftSettings: swiftSettings),
        .testTarget(name: "MicroHTTPTests", dependencies: ["MicroHTTP", "InkBridgeCore", "InkBridgeSandbox"],
                    swiftSettings: swiftSettings),
        .testTarget(name: "InkBridgeServerTests", dependencies: ["InkBridgeServer", "InkBridgeCore", "InkBridgeSandbox", "Webhook"],
                    swiftSettings: swiftSettings),
        .testTarget(name: "CRMSyncTests", dependencies: ["CRMSync", "InkBridgeCore", "InkBridgeSandbox"],
                    swiftSettings: swiftSettings),
        .testTarget(name: "TicketingLinkTests", dependencies: ["TicketingLink", "InkBridgeCore", "InkBridgeSandbox"],
                    swiftSettings: swiftSettings),
        .testTarget(name: "StorageArchiveTests", dependencies: ["StorageArchive", "InkBridgeCore", "InkBridgeSandbox"],
                    swiftSettings: swiftSettings),
    ]
)
