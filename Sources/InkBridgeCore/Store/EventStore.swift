import Foundation

/// The hub's durable state: events, deliveries, attempts, the contract
/// registry, connector pause flags, sealed secrets and the audit log.
/// `SQLiteEventStore` is the embedded implementation; a PostgreSQL one fits
/// behind the same protocol.
///
/// A conformer must guarantee:
/// - `ingest` commits each event, its deliveries and the registry update
///   atomically and durably (fsync) before it returns; an event id repeated for
///   the same tenant creates nothing and answers the original deliveries.
/// - Per (tenant, connector, contract) lane, only the lowest-sequence active
///   delivery (the lane's head) is ever claimed; state connectors get the
///   supersede and stale rules of SPEC section 5 at ingest and on retry.
/// - `claimDue` marks what it returns `in_flight`, and never returns a delivery
///   that is already in flight; `recoverInFlight` (start-up) makes every
///   delivery left in flight by a crash due again.
/// - Reads filter by tenant when one is given: another tenant's rows are
///   invisible, exactly like missing ones.
public protocol EventStore: Sendable {
    // Ingest and dispatch
    func ingest(tenant: String, items: [IngestItem], now: Date) async throws(StoreError) -> [IngestOutcome]
    func recoverInFlight(now: Date) async throws(StoreError) -> Int
    func claimDue(_ connector: ConnectorKey, now: Date, limit: Int) async throws(StoreError) -> [ClaimedDelivery]
    /// Hands claimed deliveries that were never attempted back as they were before the claim
    /// (due again, or `paused` when the connector is paused); no attempt is counted.
    func release(_ rowIDs: [Int64], now: Date) async throws(StoreError)
    /// The earliest `next_attempt_at` of a claimable delivery of the connector, if any.
    func nextDue(_ connector: ConnectorKey) async throws(StoreError) -> Date?
    /// Records attempts and applies transitions; answers each delivery's resulting state in order.
    func complete(_ completions: [DeliveryCompletion], now: Date) async throws(StoreError) -> [DeliveryState]

    // Operations
    func setPaused(_ connector: ConnectorKey, paused: Bool, now: Date) async throws(StoreError)
    func pausedConnectors() async throws(StoreError) -> Set<ConnectorKey>
    func replay(tenant: String?, deliveryID: String, now: Date) async throws(StoreError) -> ReplayResult
    func replayDead(_ connector: ConnectorKey, now: Date) async throws(StoreError) -> Int

    // Reads
    func event(tenant: String, id: String) async throws(StoreError) -> StoredEvent?
    func deliveries(_ query: DeliveryQuery) async throws(StoreError) -> Page<DeliverySummary>
    func delivery(tenant: String?, id: String) async throws(StoreError) -> DeliveryDetail?
    func contract(tenant: String, id: String) async throws(StoreError) -> ContractRecord?
    func contracts(tenant: String, customerID: String) async throws(StoreError) -> [ContractRecord]
    /// Active deliveries per connector of a tenant (all tenants when nil).
    func backlog(tenant: String?) async throws(StoreError) -> [ConnectorKey: Int]
    /// Delivery counts by connector and state, for metrics.
    func deliveryCounts() async throws(StoreError) -> [ConnectorKey: [DeliveryState: Int]]
    func eventCount() async throws(StoreError) -> Int
    /// True when the store answers a trivial query.
    func ping() async -> Bool

    // Secrets (sealed with AES-256-GCM by the caller) and audit log
    func putSecret(tenant: String, name: String, sealed: [UInt8], now: Date) async throws(StoreError)
    func sealedSecret(tenant: String, name: String) throws(StoreError) -> [UInt8]?
    func appendAudit(actor: String, action: String, detail: String, now: Date) async throws(StoreError)
    func auditEntries() async throws(StoreError) -> [AuditEntry]

    func close()
}
