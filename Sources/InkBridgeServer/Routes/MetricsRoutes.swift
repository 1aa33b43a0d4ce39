import InkBridgeCore
import MicroHTTP

/// `GET /metrics` (operator): Prometheus text. In-process counters and
/// histograms from `HubMetrics`; stored totals (deliveries by state and
/// connector type, backlog per connector, events stored) read at scrape time.
struct MetricsRoutes {
    let hub: Hub

    func register(_ router: inout RouterBuilder) {
        router.add("GET", "/metrics", access: .operator, handler: metrics)
    }

    @Sendable func metrics(_ context: RequestContext) async throws(APIError) -> HTTPServerResponse {
        let counts: [ConnectorKey: [DeliveryState: Int]]
        let stored: Int
        do {
            counts = try await hub.store.deliveryCounts()
            stored = try await hub.store.eventCount()
        } catch { throw .store(error) }
        var types: [ConnectorKey: String] = [:]
        for t in hub.config?.config.tenants ?? [] {
            for c in t.connectors { types[ConnectorKey(tenant: t.id, connector: c.id)] = c.type }
        }
        let m = hub.metrics
        var text = PrometheusText()
        text.counter(m.eventsIngested)
        text.counter(m.eventsDuplicate)
        text.gauge("inkbridge_events_stored", help: "Events in the store.", samples: [([], Double(stored))])
        text.gauge("inkbridge_deliveries", help: "Deliveries in the store by connector type and state.",
                   labelNames: ["connector_type", "state"], samples: Self.byTypeAndState(counts, types: types))
        text.gauge("inkbridge_connector_backlog", help: "Deliveries still owed (pending, in flight, retrying, paused) per connector.",
                   labelNames: ["tenant", "connector"], samples: Self.backlog(counts, types: types))
        text.gauge("inkbridge_deliveries_in_flight", help: "Deliveries being attempted right now.",
                   samples: [([], Double(hub.dispatcher.inFlightCount))])
        text.histogram(m.attemptDuration)
        text.histogram(m.storeCommit)
        text.counter(m.httpRequests)
        return HTTPServerResponse(status: 200, headers: [("Content-Type", PrometheusText.contentType), ("Cache-Control", "no-store")],
                                  body: Array(text.text.utf8))
    }

    /// Every state of every configured type (zeros included, so alerts see a series), plus any type only the store knows.
    static func byTypeAndState(_ counts: [ConnectorKey: [DeliveryState: Int]], types: [ConnectorKey: String]) -> [([String], Double)] {
        var totals: [String: [DeliveryState: Int]] = [:]
        for type in types.values { totals[type] = totals[type] ?? [:] }
        for (key, byState) in counts {
            let type = types[key] ?? "unconfigured"
            for (state, n) in byState { totals[type, default: [:]][state, default: 0] += n }
        }
        return totals.keys.sorted().flatMap { type in
            DeliveryState.allCases.map { state in ([type, state.rawValue], Double(totals[type]?[state] ?? 0)) }
        }
    }

    static func backlog(_ counts: [ConnectorKey: [DeliveryState: Int]], types: [ConnectorKey: String]) -> [([String], Double)] {
        let keys = Set(types.keys).union(counts.keys).sorted { ($0.tenant, $0.connector) < ($1.tenant, $1.connector) }
        return keys.map { key in
            let active = (counts[key] ?? [:]).filter { $0.key.isActive }.values.reduce(0, +)
            return ([key.tenant, key.connector], Double(active))
        }
    }
}
