import Foundation
import Synchronization

/// The composition root of a running hub: the store, the loaded
/// configuration, the connectors built from it, the dispatcher and ingest.
/// The CLI, the HTTP API and the demo all drive the hub through this type.
public final class Hub: Sendable {
    public let store: any EventStore
    public let registry: ConnectorRegistry
    public let transport: any HTTPTransport
    public let dispatcher: Dispatcher
    public let clock: any HubClock
    /// In-process counters and latencies, exposed by `GET /metrics`.
    public let metrics: HubMetrics
    let temporaryDirectory: String

    private struct Loaded: Sendable {
        var config: LoadedConfig
        /// API key SHA-256 (hex) -> tenant id.
        var keyHashes: [(hash: [UInt8], tenant: String)]
    }

    /// The configuration in force; replaced atomically on reload.
    private let loaded = Mutex<Loaded?>(nil)

    public init(store: any EventStore, registry: ConnectorRegistry, transport: any HTTPTransport, clock: any HubClock = SystemClock(),
                temporaryDirectory: String = NSTemporaryDirectory(), dispatcher: Dispatcher.Configuration = .init(),
                metrics: HubMetrics = HubMetrics()) {
        self.store = store
        self.registry = registry
        self.transport = transport
        self.clock = clock
        self.temporaryDirectory = temporaryDirectory
        self.metrics = metrics
        self.dispatcher = Dispatcher(store: store, clock: clock, configuration: dispatcher, metrics: metrics)
    }

    public var config: LoadedConfig? { loaded.withLock { $0?.config } }

    /// Builds every connector of `config` and swaps it in. On any failure the running configuration stays.
    public func apply(_ config: LoadedConfig) async throws(HubError) {
        var installed: [InstalledConnector] = []
        for tenant in config.config.tenants {
            for c in tenant.connectors {
                let key = ConnectorKey(tenant: tenant.id, connector: c.id)
                let plugin = config.plugin(for: c)
                let context = ConnectorContext(http: transport, network: config.config.network, timeout: c.options.timeout,
                                               tenantID: tenant.id, connectorID: c.id, temporaryDirectory: temporaryDirectory, clock: clock)
                do {
                    let connector = try plugin.makeConnector(c, secrets: config.secrets[key] ?? ResolvedSecrets([:]), context: context)
                    installed.append(InstalledConnector(key: key, type: c.type, connector: connector, options: c.options,
                                                        isStateConnector: plugin.isStateConnector))
                } catch {
                    throw HubError(.invalidConfig, "\(c.path): \(error)")
                }
            }
        }
        let paused: Set<ConnectorKey>
        do { paused = try await store.pausedConnectors() } catch { throw HubError(.store, error.message) }
        var hashes: [(hash: [UInt8], tenant: String)] = []
        for t in config.config.tenants {
            // Validated at load: 64 hex digits.
            for h in t.apiKeyHashes { hashes.append((Digest.bytes(fromHex: h) ?? [], t.id)) }
        }
        loaded.withLock { $0 = Loaded(config: config, keyHashes: hashes) }
        dispatcher.install(installed, paused: paused)
    }

    /// The tenant whose API key this is. Compares every configured key hash in constant time.
    public func authenticate(apiKey: String) -> String? {
        let digest = Digest.sha256(Array(apiKey.utf8))
        let keys = loaded.withLock { $0?.keyHashes ?? [] }
        var match: String?
        for k in keys where Digest.constantTimeEqual(k.hash, digest) { match = k.tenant }
        return match
    }

    /// Validates nothing (events are validated already): routes and commits durably, then wakes the dispatcher.
    public func ingest(tenant: String, events: [ContractEvent]) async throws(HubError) -> [IngestOutcome] {
        guard let config = config, let tenantConfig = config.config.tenant(tenant) else {
            throw HubError(.unknownTenant, "unknown tenant \(tenant)")
        }
        let items = events.map { e in
            IngestItem(event: e, deliveries: Router.plan(e, tenant: tenantConfig, registry: registry, paused: dispatcher.isPaused))
        }
        let outcomes: [IngestOutcome]
        let started = ContinuousClock.now
        do { outcomes = try await store.ingest(tenant: tenant, items: items, now: clock.now()) } catch { throw HubError(.store, error.message) }
        metrics.storeCommit.observe((ContinuousClock.now - started).seconds, ["ingest"])
        let duplicates = outcomes.count { $0.duplicate }
        metrics.eventsIngested.increment([tenant], by: Double(outcomes.count - duplicates))
        if duplicates > 0 { metrics.eventsDuplicate.increment([tenant], by: Double(duplicates)) }
        var keys: Set<ConnectorKey> = []
        for o in outcomes where !o.duplicate {
            for d in o.deliveries where d.state == .pending { keys.insert(ConnectorKey(tenant: tenant, connector: d.connector)) }
        }
        if !keys.isEmpty { dispatcher.notify(keys) }
        return outcomes
    }

    public func replay(tenant: String?, deliveryID: String, actor: String) async throws(HubError) -> ReplayResult {
        do {
            let result = try await store.replay(tenant: tenant, deliveryID: deliveryID, now: clock.now())
            if result == .replayed {
                try await store.appendAudit(actor: actor, action: "replay", detail: deliveryID, now: clock.now())
                if let d = try await store.delivery(tenant: tenant, id: deliveryID) {
                    dispatcher.notify([ConnectorKey(tenant: d.summary.tenant, connector: d.summary.connector)])
                }
            }
            return result
        } catch { throw HubError(.store, error.message) }
    }

    public func replayDead(_ key: ConnectorKey, actor: String) async throws(HubError) -> Int {
        do {
            let n = try await store.replayDead(key, now: clock.now())
            try await store.appendAudit(actor: actor, action: "replay_dead", detail: "\(key) \(n)", now: clock.now())
            dispatcher.notify([key])
            return n
        } catch { throw HubError(.store, error.message) }
    }

    public func setPaused(_ key: ConnectorKey, paused: Bool, actor: String) async throws(HubError) {
        do {
            try await store.setPaused(key, paused: paused, now: clock.now())
            try await store.appendAudit(actor: actor, action: paused ? "pause" : "resume", detail: key.description, now: clock.now())
        } catch { throw HubError(.store, error.message) }
        dispatcher.setPaused(key, paused)
    }
}

public struct HubError: Error, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable { case invalidConfig = "invalid_config", unknownTenant = "unknown_tenant", store }
    public let kind: Kind
    public let message: String
    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }
    public var description: String { message }
}
