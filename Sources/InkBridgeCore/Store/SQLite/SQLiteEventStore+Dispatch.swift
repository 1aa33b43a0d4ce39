import Foundation

extension SQLiteEventStore {
    public func recoverInFlight(now: Date) async throws(StoreError) -> Int {
        try await writer.write { db throws(StoreError) in
            // Single process: anything in flight at start-up was cut off by a crash. Due now, attempts kept.
            // The counts say which connectors had any, so a clean restart reads no delivery at all.
            let s = try db.statement("SELECT tenant, connector FROM delivery_counts WHERE state = 1 AND n > 0")
            var keys: [ConnectorKey] = []
            while try s.step() { keys.append(ConnectorKey(tenant: s.text(0), connector: s.text(1))) }
            var total = 0
            for key in keys {
                try db.statement("UPDATE deliveries SET state = 3, next_at = ?, updated_at = ? WHERE tenant = ? AND connector = ? AND state = 1")
                    .bind(.double(now.unix), .double(now.unix), .text(key.tenant), .text(key.connector)).run()
                total += db.changes
                Self.count(db, tenant: key.tenant, connector: key.connector, from: DeliveryState.inFlight.code, to: DeliveryState.retrying.code, n: db.changes)
            }
            return total
        }
    }

    public func claimDue(_ connector: ConnectorKey, now: Date, limit: Int) async throws(StoreError) -> [ClaimedDelivery] {
        // Not durable: a claim lost to a power cut leaves the delivery due, which is what recovery would do.
        try await writer.write(durable: false) { db throws(StoreError) in
            let s = try db.statement("""
                SELECT d.rid, d.id, d.attempts, d.created_at, e.event_id, e.type, e.occurred_at, e.contract_id, e.sequence, e.status, e.raw, d.is_state, d.state
                FROM deliveries d JOIN events e ON e.rid = d.event_rid
                WHERE d.tenant = ? AND d.connector = ? AND d.head = 1 AND d.state IN (0, 3) AND d.next_at <= ?
                ORDER BY d.next_at LIMIT ?
                """).bind(.text(connector.tenant), .text(connector.connector), .double(now.unix), .int(Int64(limit)))
            var claimed: [ClaimedDelivery] = []
            var retried = 0
            while try s.step() {
                if s.int(12) == DeliveryState.retrying.code { retried += 1 }
                // Parsed lazily, off the writer's queue, and only by connectors that read it.
                let event = ContractEvent(id: s.text(4), type: s.text(5), occurredAt: Date(unix: s.double(6)),
                                          contractID: s.text(7), sequence: s.int(8), status: s.text(9), raw: s.blob(10))
                claimed.append(ClaimedDelivery(rowID: s.int(0), id: s.text(1), tenant: connector.tenant, connector: connector.connector,
                                               event: event, attempts: Int(s.int(2)), createdAt: Date(unix: s.double(3)),
                                               isStateConnector: s.int(11) == 1))
            }
            // One statement for the whole batch, the exact rows just read: a statement per row cost
            // about 4,400 instructions more per delivery (storepath under callgrind).
            if !claimed.isEmpty {
                try db.statement("UPDATE deliveries SET state = 1, updated_at = ? WHERE rid IN (SELECT value FROM json_each(?))")
                    .bind(.double(now.unix), .text(Self.jsonList(claimed.map(\.rowID)))).run()
                guard db.changes == claimed.count else {
                    throw StoreError(.failed, "claimed \(claimed.count) deliveries but marked \(db.changes) in flight")
                }
                let inFlight = DeliveryState.inFlight.code
                Self.count(db, tenant: connector.tenant, connector: connector.connector, from: DeliveryState.pending.code, to: inFlight,
                               n: claimed.count - retried)
                Self.count(db, tenant: connector.tenant, connector: connector.connector, from: DeliveryState.retrying.code, to: inFlight, n: retried)
            }
            return claimed
        }
    }

    public func release(_ rowIDs: [Int64], now: Date) async throws(StoreError) {
        guard !rowIDs.isEmpty else { return }
        try await writer.write(durable: false) { db throws(StoreError) in
            let s = try db.statement("""
                UPDATE deliveries SET updated_at = ?, state = CASE
                    WHEN EXISTS (SELECT 1 FROM connector_state c WHERE c.tenant = deliveries.tenant AND c.connector = deliveries.connector AND c.paused = 1) THEN 7
                    WHEN attempts > 0 THEN 3 ELSE 0 END
                WHERE rid = ? AND state = 1
                RETURNING tenant, connector, state
                """)
            for rid in rowIDs {
                s.reset()
                _ = s.bind(.double(now.unix), .int(rid))
                if try s.step() {
                    Self.count(db, tenant: s.text(0), connector: s.text(1), from: DeliveryState.inFlight.code, to: s.int(2), n: 1)
                }
            }
        }
    }

    public func nextDue(_ connector: ConnectorKey) async throws(StoreError) -> Date? {
        try await reader.run { db throws(StoreError) in
            let s = try db.statement("""
                SELECT min(next_at) FROM deliveries WHERE tenant = ? AND connector = ? AND head = 1 AND state IN (0, 3)
                """).bind(.text(connector.tenant), .text(connector.connector))
            guard try s.step(), !s.isNull(0) else { return nil }
            return Date(unix: s.double(0))
        }
    }

    public func complete(_ completions: [DeliveryCompletion], now: Date) async throws(StoreError) -> [DeliveryState] {
        // Not durable (see SQLiteExecutor.write): losing an attempt record to a power cut means one more delivery.
        try await writer.write(durable: false) { db throws(StoreError) in
            var states: [DeliveryState] = []
            states.reserveCapacity(completions.count)
            var succeeded: [DeliveryCompletion] = []
            for c in completions {
                if Self.isPlainSuccess(c) {
                    succeeded.append(c)
                    states.append(.succeeded)
                } else {
                    states.append(try Self.completeOne(db, c, now: now))
                }
            }
            try Self.completeSucceeded(db, succeeded, now: now)
            return states
        }
    }

    /// A success whose lane is known, without an error to record: it ends the same way for
    /// every delivery, so a batch of them is written with one `UPDATE` per attempt number.
    static func isPlainSuccess(_ c: DeliveryCompletion) -> Bool {
        if case .succeed = c.transition, c.lane != nil, c.attempt.error == nil { return true }
        return false
    }

    /// `completeOne` for plain successes, batched: each attempt row, then the deliveries marked
    /// succeeded together, then the lanes that have something behind them (rare) one by one.
    /// The deliveries of one batch are lane heads, so no two share a lane.
    static func completeSucceeded(_ db: SQLiteConnection, _ batch: [DeliveryCompletion], now: Date) throws(StoreError) {
        guard !batch.isEmpty else { return }
        for c in batch { try insertAttempt(db, c) }
        // Grouped by connector (for the counts) and attempt number. Only in-flight rows move: a
        // completion is for a claimed delivery, and nothing else changes one in flight.
        struct Group: Hashable { let tenant: String, connector: String, number: Int }
        var groups: [Group: [Int64]] = [:]
        for c in batch {
            guard let lane = c.lane else { continue }
            groups[Group(tenant: lane.tenant, connector: lane.connector, number: c.attempt.number), default: []].append(c.rowID)
        }
        for (group, rows) in groups {
            try db.statement("""
                UPDATE deliveries SET state = 2, attempts = ?, next_at = ?, head = 0, updated_at = ?, last_error = NULL
                WHERE rid IN (SELECT value FROM json_each(?)) AND state = 1
                """).bind(.int(Int64(group.number)), .double(now.unix), .double(now.unix), .text(jsonList(rows))).run()
            count(db, tenant: group.tenant, connector: group.connector, from: DeliveryState.inFlight.code,
                      to: DeliveryState.succeeded.code, n: db.changes)
        }
        // Read as it is now, not as claimed: an event ingested meanwhile may have queued behind it.
        let followed = try db.statement("SELECT rid FROM deliveries WHERE rid IN (SELECT value FROM json_each(?)) AND followers != 0")
            .bind(.text(jsonList(batch.map(\.rowID))))
        var withFollowers: Set<Int64> = []
        while try followed.step() { withFollowers.insert(followed.int(0)) }
        for c in batch where withFollowers.contains(c.rowID) {
            guard let lane = c.lane else { continue }
            try endLane(db, lane, state: .succeeded, now: now)
        }
    }

    /// Row ids as a JSON array, for `json_each(?)`: one statement over a whole batch.
    static func jsonList(_ rows: [Int64]) -> String {
        var list = "["
        for (i, r) in rows.enumerated() { list += (i == 0 ? "" : ",") + String(r) }
        return list + "]"
    }

    static func completeOne(_ db: SQLiteConnection, _ c: DeliveryCompletion, now: Date) throws(StoreError) -> DeliveryState {
        let a = c.attempt
        try insertAttempt(db, c)
        let lane: DeliveryLane
        if let known = c.lane {
            lane = known
        } else {
            let row = try db.statement("SELECT tenant, connector, contract_id, sequence, is_state FROM deliveries WHERE rid = ?").bind(.int(c.rowID))
            guard try row.step() else { throw StoreError(.notFound, "delivery row \(c.rowID) vanished") }
            lane = DeliveryLane(tenant: row.text(0), connector: row.text(1), contractID: row.text(2), sequence: row.int(3), isStateConnector: row.int(4) == 1)
        }
        let tenant = lane.tenant, connector = lane.connector, contract = lane.contractID, sequence = lane.sequence
        let isState = lane.isStateConnector
        let current = try db.statement("SELECT state FROM deliveries WHERE rid = ?").bind(.int(c.rowID))
        guard try current.step() else { throw StoreError(.notFound, "delivery row \(c.rowID) vanished") }
        let previous = current.int(0)
        var state: DeliveryState
        var nextAt = now
        switch c.transition {
        case .succeed: state = .succeeded
        case .dead: state = .dead
        case .retry(let at):
            state = .retrying
            nextAt = at
            // A state connector never retries a status that a newer queued one replaces.
            if isState {
                let newer = try db.statement("""
                    SELECT 1 FROM deliveries WHERE tenant = ? AND connector = ? AND contract_id = ? AND sequence > ? AND state IN (0, 1, 3, 7) LIMIT 1
                    """).bind(.text(tenant), .text(connector), .text(contract), .int(sequence))
                if try newer.step() { state = .superseded }
            }
        }
        let errorText = a.error.map { "\($0.code): \($0.message)" }
        try db.statement("""
            UPDATE deliveries SET state = ?, attempts = ?, next_at = ?, head = ?, updated_at = ?, last_error = ? WHERE rid = ?
            """).bind(.int(state.code), .int(Int64(a.number)), .double(nextAt.unix), .int(state.isActive ? 1 : 0),
                      .double(now.unix), .optional(errorText), .int(c.rowID)).run()
        count(db, tenant: tenant, connector: connector, from: previous, to: state.code, n: 1)
        // Read as it is now, not as claimed: an event ingested meanwhile may have queued behind it.
        var hasFollowers = true
        if state.isTerminal {
            let row = try db.statement("SELECT followers FROM deliveries WHERE rid = ?").bind(.int(c.rowID))
            hasFollowers = try !row.step() || row.int(0) != 0
        }
        // A head without followers leaves an empty lane: nothing to mark stale, no next head to find.
        if state.isTerminal && hasFollowers { try endLane(db, lane, state: state, now: now) }
        return state
    }

    static func insertAttempt(_ db: SQLiteConnection, _ c: DeliveryCompletion) throws(StoreError) {
        let a = c.attempt
        try db.statement("""
            INSERT OR REPLACE INTO attempts (delivery_rid, number, started_at, duration_ms, http_status, error_code, error_message, excerpt)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """).bind(.int(c.rowID), .int(Int64(a.number)), .double(a.startedAt.unix), .double(a.durationMs), .optional(a.httpStatus),
                      .optional(a.error?.code), .optional(a.error?.message), .optional(a.responseExcerpt)).run()
    }

    /// The lane's head ended in `state` (terminal) with deliveries behind it: for a state connector's
    /// success, anything older still queued can never be sent now; then the lowest active delivery
    /// becomes the head.
    static func endLane(_ db: SQLiteConnection, _ lane: DeliveryLane, state: DeliveryState, now: Date) throws(StoreError) {
        if state == .succeeded && lane.isStateConnector {
            try countLaneMove(db, tenant: lane.tenant, connector: lane.connector, contract: lane.contractID, maxSequence: lane.sequence,
                              inclusive: true, fromStates: [0, 3, 7], to: DeliveryState.stale.code)
            try db.statement("""
                UPDATE deliveries SET state = 6, head = 0, updated_at = ?
                WHERE tenant = ? AND connector = ? AND contract_id = ? AND sequence <= ? AND state IN (0, 3, 7)
                """).bind(.double(now.unix), .text(lane.tenant), .text(lane.connector), .text(lane.contractID), .int(lane.sequence)).run()
        }
        try db.statement("""
            UPDATE deliveries SET head = 1, followers = 1 WHERE rid = (
                SELECT rid FROM deliveries WHERE tenant = ? AND connector = ? AND contract_id = ? AND state IN (0, 1, 3, 7)
                ORDER BY sequence, rid LIMIT 1)
            """).bind(.text(lane.tenant), .text(lane.connector), .text(lane.contractID)).run()
    }

    public func setPaused(_ connector: ConnectorKey, paused: Bool, now: Date) async throws(StoreError) {
        try await writer.write { db throws(StoreError) in
            try db.statement("""
                INSERT INTO connector_state (tenant, connector, paused) VALUES (?, ?, ?)
                ON CONFLICT (tenant, connector) DO UPDATE SET paused = excluded.paused
                """).bind(.text(connector.tenant), .text(connector.connector), .int(paused ? 1 : 0)).run()
            let (tenant, name) = (connector.tenant, connector.connector)
            if paused {
                // What each row was, counted before the update (RETURNING only gives the new state).
                var pending = 0, retrying = 0
                let before = try db.statement("SELECT state, count(*) FROM deliveries WHERE tenant = ? AND connector = ? AND state IN (0, 3) GROUP BY state")
                    .bind(.text(tenant), .text(name))
                while try before.step() {
                    if before.int(0) == 0 { pending = Int(before.int(1)) } else { retrying = Int(before.int(1)) }
                }
                try db.statement("UPDATE deliveries SET state = 7, updated_at = ? WHERE tenant = ? AND connector = ? AND state IN (0, 3)")
                    .bind(.double(now.unix), .text(tenant), .text(name)).run()
                Self.count(db, tenant: tenant, connector: name, from: DeliveryState.pending.code, to: DeliveryState.paused.code, n: pending)
                Self.count(db, tenant: tenant, connector: name, from: DeliveryState.retrying.code, to: DeliveryState.paused.code, n: retrying)
            } else {
                try db.statement("""
                    UPDATE deliveries SET state = 0, next_at = min(next_at, ?), updated_at = ? WHERE tenant = ? AND connector = ? AND state > 2 AND state = 7
                    """).bind(.double(now.unix), .double(now.unix), .text(tenant), .text(name)).run()
                Self.count(db, tenant: tenant, connector: name, from: DeliveryState.paused.code, to: DeliveryState.pending.code, n: db.changes)
            }
        }
    }

    public func pausedConnectors() async throws(StoreError) -> Set<ConnectorKey> {
        try await reader.run { db throws(StoreError) in
            let s = try db.statement("SELECT tenant, connector FROM connector_state WHERE paused = 1")
            var keys: Set<ConnectorKey> = []
            while try s.step() { keys.insert(ConnectorKey(tenant: s.text(0), connector: s.text(1))) }
            return keys
        }
    }

    public func replay(tenant: String?, deliveryID: String, now: Date) async throws(StoreError) -> ReplayResult {
        try await writer.write { db throws(StoreError) in
            let s = try db.statement("SELECT rid, tenant, connector, contract_id, sequence, state, is_state FROM deliveries WHERE id = ?")
                .bind(.text(deliveryID))
            guard try s.step() else { return .notFound }
            let rid = s.int(0), owner = s.text(1), connector = s.text(2), contract = s.text(3), sequence = s.int(4)
            let isState = s.int(6) == 1
            if let tenant, tenant != owner { return .notFound }
            let state = DeliveryState(code: s.int(5)) ?? .pending
            guard state == .dead || state == .succeeded else { return .notReplayable(state) }
            if isState {
                let newer = try db.statement("""
                    SELECT 1 FROM deliveries WHERE tenant = ? AND connector = ? AND contract_id = ? AND sequence > ? AND state = 2 LIMIT 1
                    """).bind(.text(owner), .text(connector), .text(contract), .int(sequence))
                if try newer.step() { return .stale }
            }
            try Self.requeue(db, rid: rid, from: state.code, tenant: owner, connector: connector, contract: contract, now: now)
            return .replayed
        }
    }

    public func replayDead(_ connector: ConnectorKey, now: Date) async throws(StoreError) -> Int {
        try await writer.write { db throws(StoreError) in
            let s = try db.statement("SELECT rid, contract_id FROM deliveries WHERE tenant = ? AND connector = ? AND state > 2 AND state = 4 ORDER BY sequence, rid")
                .bind(.text(connector.tenant), .text(connector.connector))
            var rows: [(Int64, String)] = []
            while try s.step() { rows.append((s.int(0), s.text(1))) }
            for (rid, contract) in rows {
                try Self.requeue(db, rid: rid, from: DeliveryState.dead.code, tenant: connector.tenant, connector: connector.connector,
                                 contract: contract, now: now)
            }
            return rows.count
        }
    }

    /// Makes a finished delivery pending again; it takes its place in the lane by sequence.
    static func requeue(_ db: SQLiteConnection, rid: Int64, from: Int64, tenant: String, connector: String, contract: String,
                        now: Date) throws(StoreError) {
        let paused = try db.statement("SELECT paused FROM connector_state WHERE tenant = ? AND connector = ?").bind(.text(tenant), .text(connector))
        let isPaused = try paused.step() && paused.int(0) == 1
        let to = isPaused ? DeliveryState.paused.code : DeliveryState.pending.code
        try db.statement("UPDATE deliveries SET state = ?, head = 0, next_at = ?, updated_at = ? WHERE rid = ?")
            .bind(.int(to), .double(now.unix), .double(now.unix), .int(rid)).run()
        count(db, tenant: tenant, connector: connector, from: from, to: to, n: 1)
        try promoteHead(db, tenant: tenant, connector: connector, contract: contract)
    }
}
