import Foundation

extension SQLiteEventStore {
    static let summaryColumns = """
        d.id, e.event_id, d.tenant, d.connector, d.contract_id, d.sequence, d.state, d.attempts, d.next_at, d.created_at, d.updated_at, d.last_error, d.rid
        """

    static func summary(_ s: SQLiteStatement) -> DeliverySummary {
        let state = DeliveryState(code: s.int(6)) ?? .pending
        return DeliverySummary(id: s.text(0), eventID: s.text(1), tenant: s.text(2), connector: s.text(3), contractID: s.text(4),
                               sequence: s.int(5), state: state, attempts: Int(s.int(7)),
                               nextAttemptAt: state == .pending || state == .retrying ? Date(unix: s.double(8)) : nil,
                               createdAt: Date(unix: s.double(9)), updatedAt: s.isNull(10) ? nil : Date(unix: s.double(10)),
                               lastError: s.optionalText(11))
    }

    public func event(tenant: String, id: String) async throws(StoreError) -> StoredEvent? {
        try await reader.run { db throws(StoreError) in
            let s = try db.statement("SELECT rid, received_at, raw FROM events WHERE tenant = ? AND event_id = ?").bind(.text(tenant), .text(id))
            guard try s.step() else { return nil }
            let rid = s.int(0), receivedAt = Date(unix: s.double(1)), raw = s.blob(2)
            let d = try db.statement(dynamic: "SELECT \(Self.summaryColumns) FROM deliveries d JOIN events e ON e.rid = d.event_rid WHERE d.event_rid = ? ORDER BY d.rid")
                .bind(.int(rid))
            var deliveries: [DeliverySummary] = []
            while try d.step() { deliveries.append(Self.summary(d)) }
            return StoredEvent(id: id, tenant: tenant, receivedAt: receivedAt, raw: raw, deliveries: deliveries)
        }
    }

    public func deliveries(_ query: DeliveryQuery) async throws(StoreError) -> Page<DeliverySummary> {
        try await reader.run { db throws(StoreError) in
            var clauses: [String] = []
            var binds: [SQLiteValue] = []
            if let t = query.tenant { clauses.append("d.tenant = ?"); binds.append(.text(t)) }
            if let c = query.connector { clauses.append("d.connector = ?"); binds.append(.text(c)) }
            if let st = query.state {
                // `state > 2` lets the rare states use their partial index (deliveries_problem).
                clauses.append(st.code > 2 ? "d.state > 2 AND d.state = ?" : "d.state = ?")
                binds.append(.int(st.code))
            }
            if let k = query.contract { clauses.append("d.contract_id = ?"); binds.append(.text(k)) }
            if let cursor = query.cursor {
                guard let after = Int64(cursor) else { throw StoreError(.notFound, "invalid cursor") }
                clauses.append("d.rid < ?")
                binds.append(.int(after))
            }
            let limit = max(1, min(query.limit, 500))
            let whereSQL = clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND ")
            let s = try db.statement(dynamic: """
                SELECT \(Self.summaryColumns) FROM deliveries d JOIN events e ON e.rid = d.event_rid
                \(whereSQL) ORDER BY d.rid DESC LIMIT ?
                """).bind(binds + [.int(Int64(limit + 1))])
            var items: [DeliverySummary] = []
            var lastRowID: Int64 = 0
            var more = false
            while try s.step() {
                if items.count == limit { more = true; break }
                items.append(Self.summary(s))
                lastRowID = s.int(12)
            }
            return Page(items: items, nextCursor: more ? String(lastRowID) : nil)
        }
    }

    public func delivery(tenant: String?, id: String) async throws(StoreError) -> DeliveryDetail? {
        try await reader.run { db throws(StoreError) in
            let s = try db.statement(dynamic: "SELECT \(Self.summaryColumns) FROM deliveries d JOIN events e ON e.rid = d.event_rid WHERE d.id = ?")
                .bind(.text(id))
            guard try s.step() else { return nil }
            let summary = Self.summary(s)
            let rid = s.int(12)
            if let tenant, summary.tenant != tenant { return nil }
            let a = try db.statement("""
                SELECT number, started_at, duration_ms, http_status, error_code, error_message, excerpt
                FROM attempts WHERE delivery_rid = ? ORDER BY number
                """).bind(.int(rid))
            var attempts: [AttemptRecord] = []
            while try a.step() {
                let error = a.optionalText(4).map { DeliveryError(code: $0, message: a.optionalText(5) ?? "") }
                attempts.append(AttemptRecord(number: Int(a.int(0)), startedAt: Date(unix: a.double(1)), durationMs: a.double(2),
                                              httpStatus: a.optionalInt(3).map(Int.init), error: error, responseExcerpt: a.optionalText(6)))
            }
            return DeliveryDetail(summary: summary, attempts: attempts)
        }
    }

    static let contractColumns = """
        c.contract_id, c.sequence, c.status, c.updated_at, c.customer_id, e.raw FROM contracts c JOIN events e ON e.rid = c.event_rid
        """

    /// The `contract` object of the event the registry points at.
    static func contractRecord(_ s: SQLiteStatement, tenant: String) -> ContractRecord {
        let event = (try? JSONParser.parse(s.blob(5))) ?? .null
        return ContractRecord(tenant: tenant, id: s.text(0), sequence: s.int(1), status: s.text(2), updatedAt: Date(unix: s.double(3)),
                              customerID: s.optionalText(4), contract: event["contract"] ?? .null)
    }

    public func contract(tenant: String, id: String) async throws(StoreError) -> ContractRecord? {
        try await reader.run { db throws(StoreError) in
            let s = try db.statement(dynamic: "SELECT \(Self.contractColumns) WHERE c.tenant = ? AND c.contract_id = ?")
                .bind(.text(tenant), .text(id))
            guard try s.step() else { return nil }
            return Self.contractRecord(s, tenant: tenant)
        }
    }

    public func contracts(tenant: String, customerID: String) async throws(StoreError) -> [ContractRecord] {
        try await reader.run { db throws(StoreError) in
            let s = try db.statement(dynamic: """
                SELECT \(Self.contractColumns)
                WHERE c.tenant = ? AND c.customer_id = ? ORDER BY c.contract_id
                """).bind(.text(tenant), .text(customerID))
            var out: [ContractRecord] = []
            while try s.step() { out.append(Self.contractRecord(s, tenant: tenant)) }
            return out
        }
    }

    public func backlog(tenant: String?) async throws(StoreError) -> [ConnectorKey: Int] {
        let counts = try await deliveryCounts(tenant: tenant)
        return counts.mapValues { byState in byState.filter { $0.key.isActive }.values.reduce(0, +) }
    }

    public func deliveryCounts() async throws(StoreError) -> [ConnectorKey: [DeliveryState: Int]] {
        try await deliveryCounts(tenant: nil)
    }

    func deliveryCounts(tenant: String?) async throws(StoreError) -> [ConnectorKey: [DeliveryState: Int]] {
        try await reader.run { db throws(StoreError) in
            // Kept up to date by every write (SQLiteEventStore+Counts): no scan of the deliveries.
            let s = tenant == nil
                ? try db.statement("SELECT tenant, connector, state, n FROM delivery_counts WHERE n != 0")
                : try db.statement("SELECT tenant, connector, state, n FROM delivery_counts WHERE tenant = ? AND n != 0")
                    .bind(.text(tenant!))
            var out: [ConnectorKey: [DeliveryState: Int]] = [:]
            while try s.step() {
                guard let state = DeliveryState(code: s.int(2)) else { continue }
                out[ConnectorKey(tenant: s.text(0), connector: s.text(1)), default: [:]][state] = Int(s.int(3))
            }
            return out
        }
    }

    public func eventCount() async throws(StoreError) -> Int {
        try await reader.run { db throws(StoreError) in
            let s = try db.statement("SELECT count(*) FROM events")
            return try s.step() ? Int(s.int(0)) : 0
        }
    }
}
