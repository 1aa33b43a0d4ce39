import Foundation

/// `delivery_counts` holds how many deliveries each connector has in each state,
/// kept by every write that creates a delivery or changes its state, in the same
/// transaction. Metrics and backlog read it in O(connectors) instead of counting
/// rows, and the deliveries table needs no `(tenant, connector, state)` index:
/// that index took two entry moves per state change, about 23,000 of the 65,000
/// instructions the store spent per delivery on claims and completions
/// (storepath under callgrind). Rare states keep a partial index
/// (`deliveries_problem`, `state > 2`) for listings and replays.
extension SQLiteEventStore {
    /// Moves `n` deliveries of a connector between states in `delivery_counts`
    /// (`from` nil: created). Gathered in the connection and written once per
    /// transaction (`flushCounts`): a pair of statements per ingested event cost
    /// about 8,000 instructions, more than the index entry they replace.
    static func count(_ db: SQLiteConnection, tenant: String, connector: String, from: Int64?, to: Int64?, n: Int) {
        guard n != 0, from != to else { return }
        if let to { db.pendingCounts[DeliveryCountKey(tenant: tenant, connector: connector, state: to), default: 0] += n }
        if let from { db.pendingCounts[DeliveryCountKey(tenant: tenant, connector: connector, state: from), default: 0] -= n }
    }

    /// Writes the transaction's gathered counts; the writer runs it right before each `COMMIT`.
    static func flushCounts(_ db: SQLiteConnection) throws(StoreError) {
        guard !db.pendingCounts.isEmpty else { return }
        for (key, n) in db.pendingCounts where n != 0 {
            try db.statement("UPDATE delivery_counts SET n = n + ? WHERE tenant = ? AND connector = ? AND state = ?")
                .bind(.int(Int64(n)), .text(key.tenant), .text(key.connector), .int(key.state)).run()
            if db.changes == 0 {
                try db.statement("INSERT INTO delivery_counts (tenant, connector, state, n) VALUES (?, ?, ?, ?)")
                    .bind(.text(key.tenant), .text(key.connector), .int(key.state), .int(Int64(n))).run()
            }
        }
        db.pendingCounts.removeAll(keepingCapacity: true)
    }

    /// Counts what an `UPDATE` with this lane's `WHERE` is about to move, by current state, and
    /// books the move to `to`. For the rare multi-row moves (supersede, stale); the lane index finds the rows.
    static func countLaneMove(_ db: SQLiteConnection, tenant: String, connector: String, contract: String, maxSequence: Int64,
                              inclusive: Bool, fromStates: Set<Int64>, to: Int64) throws(StoreError) {
        let s = inclusive
            ? try db.statement("SELECT state, count(*) FROM deliveries WHERE tenant = ? AND connector = ? AND contract_id = ? AND sequence <= ? GROUP BY state")
            : try db.statement("SELECT state, count(*) FROM deliveries WHERE tenant = ? AND connector = ? AND contract_id = ? AND sequence < ? GROUP BY state")
        _ = s.bind(.text(tenant), .text(connector), .text(contract), .int(maxSequence))
        var moves: [(Int64, Int)] = []
        while try s.step() {
            if fromStates.contains(s.int(0)) { moves.append((s.int(0), Int(s.int(1)))) }
        }
        for (state, n) in moves { count(db, tenant: tenant, connector: connector, from: state, to: to, n: n) }
    }

    /// True when `delivery_counts` agrees with the rows (tests; a full scan).
    package func countsAgreeWithRows() async throws(StoreError) -> Bool {
        try await reader.run { db throws(StoreError) in
            func read(_ sql: StaticString) throws(StoreError) -> [String: Int64] {
                let s = try db.statement(sql)
                var out: [String: Int64] = [:]
                while try s.step() { out["\(s.text(0))/\(s.text(1))/\(s.int(2))"] = s.int(3) }
                return out
            }
            let kept = try read("SELECT tenant, connector, state, n FROM delivery_counts WHERE n != 0")
            let rows = try read("SELECT tenant, connector, state, count(*) FROM deliveries GROUP BY tenant, connector, state")
            return kept == rows
        }
    }
}

/// One row of `delivery_counts`.
struct DeliveryCountKey: Hashable {
    let tenant: String
    let connector: String
    let state: Int64
}
