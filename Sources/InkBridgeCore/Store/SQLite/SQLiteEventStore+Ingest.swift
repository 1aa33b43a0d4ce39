import Foundation

extension SQLiteEventStore {
    // Active states (pending, in_flight, retrying, paused) are written as the literal
    // `(0, 1, 3, 7)` in SQL: literal statements are cached by address (SQLiteConnection).

    public func ingest(tenant: String, items: [IngestItem], now: Date) async throws(StoreError) -> [IngestOutcome] {
        try await writer.write { db throws(StoreError) in
            var outcomes: [IngestOutcome] = []
            outcomes.reserveCapacity(items.count)
            for item in items {
                outcomes.append(try Self.ingestOne(db, tenant: tenant, item: item, now: now))
            }
            return outcomes
        }
    }

    static func ingestOne(_ db: SQLiteConnection, tenant: String, item: IngestItem, now: Date) throws(StoreError) -> IngestOutcome {
        let e = item.event
        // Insert first; the unique (tenant, event_id) index tells a repeated event apart.
        try db.statement("""
            INSERT INTO events (tenant, event_id, type, occurred_at, contract_id, sequence, status, received_at, raw)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (tenant, event_id) DO NOTHING
            """).bind(.text(tenant), .text(e.id), .text(e.type), .double(e.occurredAt.unix), .text(e.contractID),
                      .int(e.sequence), .text(e.status), .double(now.unix), .blob(e.raw)).run()
        if db.changes == 0 {
            let existing = try db.statement("SELECT rid FROM events WHERE tenant = ? AND event_id = ?").bind(.text(tenant), .text(e.id))
            guard try existing.step() else { throw StoreError(.failed, "event \(e.id) neither inserted nor found") }
            return IngestOutcome(eventID: e.id, duplicate: true, deliveries: try deliveryRefs(db, eventRowID: existing.int(0)))
        }
        let eventRowID = db.lastInsertRowID
        var refs: [DeliveryRef] = []
        for planned in item.deliveries {
            let state = try placeDelivery(db, tenant: tenant, planned: planned, event: e, now: now)
            let id = IDGenerator.make("dlv", now: now)
            var head = false
            if state.isActive {
                head = try !laneHasActive(db, tenant: tenant, connector: planned.connector, contract: e.contractID)
                // Queued behind another: the lane's head must look for a next head when it finishes.
                if !head { try markHeadHasFollowers(db, tenant: tenant, connector: planned.connector, contract: e.contractID) }
            }
            try db.statement("""
                INSERT INTO deliveries (id, tenant, connector, event_rid, contract_id, sequence, state, is_state, head, next_at, created_at, followers)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)
                """).bind(.text(id), .text(tenant), .text(planned.connector), .int(eventRowID), .text(e.contractID),
                          .int(e.sequence), .int(state.code), .int(planned.isStateConnector ? 1 : 0), .int(head ? 1 : 0),
                          .double(now.unix), .double(now.unix)).run()
            count(db, tenant: tenant, connector: planned.connector, from: nil, to: state.code, n: 1)
            refs.append(DeliveryRef(id: id, connector: planned.connector, state: state))
        }
        if e.type == EventType.statusChanged { try updateRegistry(db, tenant: tenant, event: e, eventRowID: eventRowID, now: now) }
        return IngestOutcome(eventID: e.id, duplicate: false, deliveries: refs)
    }

    /// The initial state of a new delivery. For a state connector this applies
    /// SPEC section 5: a sequence at or below one already delivered is `stale`;
    /// one below a queued newer status is `superseded`; older queued statuses
    /// that are not in flight are superseded by this one.
    static func placeDelivery(_ db: SQLiteConnection, tenant: String, planned: PlannedDelivery, event e: ContractEvent,
                              now: Date) throws(StoreError) -> DeliveryState {
        let live: DeliveryState = planned.paused ? .paused : .pending
        guard planned.isStateConnector else { return live }
        let delivered = try db.statement("""
            SELECT max(sequence) FROM deliveries WHERE tenant = ? AND connector = ? AND contract_id = ? AND state = 2
            """).bind(.text(tenant), .text(planned.connector), .text(e.contractID))
        if try delivered.step(), let maxSeq = delivered.optionalInt(0), maxSeq >= e.sequence { return .stale }
        let newer = try db.statement("""
            SELECT 1 FROM deliveries WHERE tenant = ? AND connector = ? AND contract_id = ? AND sequence > ? AND state IN (0, 1, 3, 7) LIMIT 1
            """).bind(.text(tenant), .text(planned.connector), .text(e.contractID), .int(e.sequence))
        if try newer.step() { return .superseded }
        try supersedeOlder(db, tenant: tenant, connector: planned.connector, contract: e.contractID, below: e.sequence, now: now)
        return live
    }

    /// Marks queued (not in-flight) deliveries of the lane below `sequence` superseded.
    static func supersedeOlder(_ db: SQLiteConnection, tenant: String, connector: String, contract: String, below sequence: Int64,
                               now: Date) throws(StoreError) {
        try countLaneMove(db, tenant: tenant, connector: connector, contract: contract, maxSequence: sequence, inclusive: false,
                          fromStates: [0, 3, 7], to: DeliveryState.superseded.code)
        try db.statement("""
            UPDATE deliveries SET state = 5, head = 0, updated_at = ?
            WHERE tenant = ? AND connector = ? AND contract_id = ? AND sequence < ? AND state IN (0, 3, 7)
            """).bind(.double(now.unix), .text(tenant), .text(connector), .text(contract), .int(sequence)).run()
    }

    static func laneHasActive(_ db: SQLiteConnection, tenant: String, connector: String, contract: String) throws(StoreError) -> Bool {
        try db.statement("""
            SELECT 1 FROM deliveries WHERE tenant = ? AND connector = ? AND contract_id = ? AND state IN (0, 1, 3, 7) LIMIT 1
            """).bind(.text(tenant), .text(connector), .text(contract)).step()
    }

    /// Makes the lane's lowest active delivery its head, when the lane has no head. The head is
    /// then marked as having followers: the lane may hold more than it (a replayed delivery).
    static func promoteHead(_ db: SQLiteConnection, tenant: String, connector: String, contract: String) throws(StoreError) {
        let hasHead = try db.statement("""
            SELECT 1 FROM deliveries WHERE tenant = ? AND connector = ? AND contract_id = ? AND head = 1 AND state IN (0, 1, 3, 7) LIMIT 1
            """).bind(.text(tenant), .text(connector), .text(contract))
        if try !hasHead.step() {
            try db.statement("""
                UPDATE deliveries SET head = 1 WHERE rid = (
                    SELECT rid FROM deliveries WHERE tenant = ? AND connector = ? AND contract_id = ? AND state IN (0, 1, 3, 7)
                    ORDER BY sequence, rid LIMIT 1)
                """).bind(.text(tenant), .text(connector), .text(contract)).run()
        }
        try markHeadHasFollowers(db, tenant: tenant, connector: connector, contract: contract)
    }

    /// The lane's head will look for a next head when it finishes.
    static func markHeadHasFollowers(_ db: SQLiteConnection, tenant: String, connector: String, contract: String) throws(StoreError) {
        try db.statement("""
            UPDATE deliveries SET followers = 1 WHERE tenant = ? AND connector = ? AND contract_id = ? AND head = 1 AND followers = 0
            """).bind(.text(tenant), .text(connector), .text(contract)).run()
    }

    static func deliveryRefs(_ db: SQLiteConnection, eventRowID: Int64) throws(StoreError) -> [DeliveryRef] {
        let s = try db.statement("SELECT id, connector, state FROM deliveries WHERE event_rid = ? ORDER BY rid").bind(.int(eventRowID))
        var refs: [DeliveryRef] = []
        while try s.step() {
            refs.append(DeliveryRef(id: s.text(0), connector: s.text(1), state: DeliveryState(code: s.int(2)) ?? .pending))
        }
        return refs
    }

    /// The contract registry keeps the highest sequence seen per contract. A new contract is one
    /// plain insert; a known one is updated when this event is newer. (An upsert, `ON CONFLICT DO
    /// UPDATE`, made SQLite open a statement journal for every event and cost about 14,000 more
    /// instructions per event under callgrind, ingestpath.)
    static func updateRegistry(_ db: SQLiteConnection, tenant: String, event e: ContractEvent, eventRowID: Int64, now: Date) throws(StoreError) {
        let customerID = e.customerID
        // Only the primary key can conflict: every other column is bound non-null.
        try db.statement("""
            INSERT OR IGNORE INTO contracts (tenant, contract_id, sequence, status, updated_at, customer_id, event_rid)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """).bind(.text(tenant), .text(e.contractID), .int(e.sequence), .text(e.status), .double(now.unix),
                      .optional(customerID), .int(eventRowID)).run()
        guard db.changes == 0 else { return }
        try db.statement("""
            UPDATE contracts SET sequence = ?, status = ?, updated_at = ?, customer_id = ?, event_rid = ?
            WHERE tenant = ? AND contract_id = ? AND sequence < ?
            """).bind(.int(e.sequence), .text(e.status), .double(now.unix), .optional(customerID), .int(eventRowID),
                      .text(tenant), .text(e.contractID), .int(e.sequence)).run()
    }
}
