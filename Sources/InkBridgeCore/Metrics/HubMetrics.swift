/// The hub's in-process metrics, fed by ingest, the dispatcher and the HTTP
/// API, exposed by `GET /metrics`. Values live as long as the process (as
/// Prometheus expects); stored totals (deliveries by state, backlog) are read
/// from the store at scrape time instead.
public final class HubMetrics: Sendable {
    /// New events committed, per tenant (duplicates are counted apart).
    public let eventsIngested = CounterFamily(name: "inkbridge_events_ingested_total",
                                              help: "Events committed by ingest (duplicates excluded).", labelNames: ["tenant"])
    public let eventsDuplicate = CounterFamily(name: "inkbridge_events_duplicate_total",
                                               help: "Ingested events whose id was already stored for the tenant.", labelNames: ["tenant"])
    /// One observation per delivery attempt: how long the connector took, and how it ended.
    public let attemptDuration = HistogramFamily(name: "inkbridge_delivery_attempt_duration_seconds",
                                                 help: "Duration of delivery attempts by connector type and outcome.",
                                                 labelNames: ["connector_type", "outcome"])
    /// Time from handing work to the store until it is durably committed (group commit included).
    public let storeCommit = HistogramFamily(name: "inkbridge_store_commit_duration_seconds",
                                             help: "Latency of durable store commits by operation.", labelNames: ["operation"])
    /// Requests answered by the HTTP API, by route pattern (not raw path: bounded label values) and status.
    public let httpRequests = CounterFamily(name: "inkbridge_http_requests_total",
                                            help: "HTTP API requests by method, route and status.", labelNames: ["method", "route", "status"])

    public init() {}
}

extension DeliveryOutcome.Kind {
    /// The `outcome` label of an attempt.
    public var metricLabel: String {
        switch self {
        case .success: return "success"
        case .retry: return "retry"
        case .permanent: return "permanent"
        }
    }
}

extension Duration {
    /// The duration in seconds, as a Double (for latency histograms).
    public var seconds: Double {
        let (s, attoseconds) = components
        return Double(s) + Double(attoseconds) / 1e18
    }
}
