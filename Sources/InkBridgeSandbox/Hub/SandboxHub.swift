import Foundation
import InkBridgeCore

/// A complete hub in a temporary directory (SQLite store, libcurl transport,
/// dispatcher running), for the tests and `inkbridge demo`. A directory it created
/// itself is removed by `stop()`; one it was given is left as it is.
public final class SandboxHub: Sendable {
    public let directory: String
    private let ownsDirectory: Bool
    public let hub: Hub
    public let store: SQLiteEventStore
    public let transport: CurlTransport
    private let dispatcherTask: Task<Void, Never>

    public var storePath: String { directory + "/hub.db" }

    /// - Parameters:
    ///   - config: connectors.json text.
    ///   - environment: what `{ "env": NAME }` references resolve against.
    public init(config: String, registry: ConnectorRegistry, environment: [String: String] = [:], directory: String? = nil,
                dispatcher: Dispatcher.Configuration = .init()) async throws {
        let dir = directory ?? SandboxPaths.temporaryDirectory(prefix: "inkbridge-hub")
        self.directory = dir
        ownsDirectory = directory == nil
        store = try SQLiteEventStore(path: dir + "/hub.db")
        transport = CurlTransport()
        let loaded = try ConfigLoader(registry: registry, resolver: SecretResolver(environment: environment)).load(bytes: Array(config.utf8))
        hub = Hub(store: store, registry: registry, transport: transport, temporaryDirectory: dir, dispatcher: dispatcher)
        try await hub.apply(loaded)
        let hub = self.hub
        dispatcherTask = Task { try? await hub.dispatcher.run() }
    }

    /// Validates and ingests events given as JSON text (one object or an array).
    @discardableResult
    public func emit(tenant: String, _ json: String) async throws -> [IngestOutcome] {
        let events = try EventValidator.parseBody(Array(json.utf8)).get()
        return try await hub.ingest(tenant: tenant, events: events)
    }

    /// Waits until `condition` holds for the delivery, or the timeout passes; answers the last state seen.
    public func waitForDelivery(_ id: String, timeout: Double = 10, _ condition: @Sendable (DeliveryDetail) -> Bool) async -> DeliveryDetail? {
        var last: DeliveryDetail?
        _ = await eventually(timeout: timeout) {
            last = try? await store.delivery(tenant: nil, id: id)
            return last.map(condition) ?? false
        }
        return last
    }

    public func stop() async {
        await hub.dispatcher.stop(timeout: 5)
        dispatcherTask.cancel()
        _ = await dispatcherTask.value
        transport.shutdown()
        store.close()
        if ownsDirectory { try? FileManager.default.removeItem(atPath: directory) }
    }
}

public enum SandboxPaths {
    public static func temporaryDirectory(prefix: String) -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)").path
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    /// The `inkbridge` executable of this build: `INKBRIDGE_BIN`, or next to the running test bundle.
    public static func inkbridgeBinary(file: String = #filePath) -> String {
        if let bin = ProcessInfo.processInfo.environment["INKBRIDGE_BIN"] { return bin }
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("inkbridge").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        // Fall back to the package's own debug build.
        var root = URL(fileURLWithPath: file)
        while root.path != "/" && !FileManager.default.fileExists(atPath: root.appendingPathComponent("Package.swift").path) {
            root = root.deletingLastPathComponent()
        }
        return root.appendingPathComponent(".build/debug/inkbridge").path
    }
}
