import Foundation
import InkBridgeCore
import Webhook

/// Stores events with the hub's own core, in this process, while no
/// dispatcher runs: `SQLiteEventStore` + `Hub` + `apply(config)` +
/// `ingest` in batches of 500 (several batches in flight, so group commit
/// packs them). The database is then a real backlog for `inkbridge serve`.
enum Preloader {
    struct Job {
        let tenant: BenchTenant
        /// Event ids are `<prefix><number>`, number from 0.
        let prefix: String
        let count: Int
        let size: Int
    }

    /// Answers the seconds it took.
    static func load(store path: String, config: String, jobs: [Job], batchSize: Int = 500, parallel: Int = 4) throws -> Double {
        struct Batch: Sendable {
            let tenant: String
            let prefix: String
            let range: Range<Int>
            let size: Int
        }
        // Round robin over tenants, so every tenant's events are spread through the tables.
        let perTenant: [[Batch]] = jobs.map { j in
            stride(from: 0, to: j.count, by: batchSize).map { s in
                Batch(tenant: j.tenant.id, prefix: j.prefix, range: s..<min(j.count, s + batchSize), size: j.size)
            }
        }
        var batches: [Batch] = []
        for round in 0..<(perTenant.map(\.count).max() ?? 0) {
            for tenantBatches in perTenant where round < tenantBatches.count { batches.append(tenantBatches[round]) }
        }
        let all = batches
        let started = Date()
        try blockingAwait {
            let store = try SQLiteEventStore(path: path)
            do {
                let hub = try await BenchHub.make(store: store, config: config, transport: NullTransport())
                @Sendable func ingest(_ b: Batch) async throws {
                    var events: [ContractEvent] = []
                    events.reserveCapacity(b.range.count)
                    for n in b.range { events.append(try EventFactory.event(id: "\(b.prefix)\(n)", size: b.size)) }
                    let outcomes = try await hub.ingest(tenant: b.tenant, events: events)
                    guard outcomes.allSatisfy({ !$0.duplicate && $0.deliveries.count == 1 && $0.deliveries[0].state == .pending }) else {
                        throw BenchError("preload: an event was a duplicate or not routed to exactly one pending delivery")
                    }
                }
                try await withThrowingTaskGroup(of: Void.self) { group in
                    var next = 0
                    while next < min(parallel, all.count) {
                        let b = all[next]
                        group.addTask { try await ingest(b) }
                        next += 1
                    }
                    while try await group.next() != nil {
                        if next < all.count {
                            let b = all[next]
                            group.addTask { try await ingest(b) }
                            next += 1
                        }
                    }
                }
            } catch {
                store.close()
                throw error
            }
            store.close()
        }
        return Date().timeIntervalSince(started)
    }
}

/// A hub of the harness's own process: the webhook plugin, the benchmark's connectors.json applied.
enum BenchHub {
    static func make(store: SQLiteEventStore, config: String, transport: any HTTPTransport) async throws -> Hub {
        let registry = ConnectorRegistry([WebhookPlugin()])
        let loaded = try ConfigLoader(registry: registry, resolver: SecretResolver()).load(path: config)
        let hub = Hub(store: store, registry: registry, transport: transport)
        try await hub.apply(loaded)
        return hub
    }
}

/// The preloading hub never delivers.
struct NullTransport: HTTPTransport {
    func send(_ request: HTTPRequest) async throws(HTTPTransportError) -> HTTPResponse {
        throw HTTPTransportError(.other, "the benchmark's preloader does not deliver")
    }
}
