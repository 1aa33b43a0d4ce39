import CSQLite
import Foundation

/// Watches deliveries in a hub's database from outside the hub: a read-only
/// connection (WAL lets it read while the hub writes).
///
/// Every question is a lookup in the hub's `delivery_counts` (deliveries per
/// connector and state, kept by the hub's own writes), whatever the backlog:
/// counting rows at every poll cost the harness 5% of a CPU during a
/// 200,000-delivery drain, taken from the hub it measures.
final class DeliveryCounter {
    private var db: OpaquePointer?
    private var statement: OpaquePointer?
    private var anySucceededStatement: OpaquePointer?
    private var unfinishedStatement: OpaquePointer?

    init(path: String) throws(BenchError) {
        guard sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, nil) == SQLITE_OK else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close(db)
            throw BenchError("cannot open \(path) read-only: \(message)")
        }
        sqlite3_busy_timeout(db, 2000)
        let sql = "SELECT coalesce(sum(n), 0) FROM delivery_counts WHERE tenant = ? AND connector = ? AND state = 2"
        guard sqlite3_prepare_v2(db, sql, -1, &statement, nil) == SQLITE_OK else {
            let message = String(cString: sqlite3_errmsg(db))
            sqlite3_close(db)
            throw BenchError("cannot prepare the delivery count: \(message)")
        }
        let probes = [
            "SELECT EXISTS (SELECT 1 FROM delivery_counts WHERE tenant = ? AND connector = ? AND state = 2 AND n > 0)",
            "SELECT EXISTS (SELECT 1 FROM delivery_counts WHERE tenant = ? AND connector = ? AND state IN (0, 1, 3, 7) AND n > 0)",
        ]
        var prepared: [OpaquePointer?] = []
        for sql in probes {
            var probe: OpaquePointer?
            guard sqlite3_prepare_v2(db, sql, -1, &probe, nil) == SQLITE_OK else {
                let message = String(cString: sqlite3_errmsg(db))
                prepared.forEach { sqlite3_finalize($0) }
                sqlite3_finalize(statement)
                sqlite3_close(db)
                throw BenchError("cannot prepare a delivery probe: \(message)")
            }
            prepared.append(probe)
        }
        anySucceededStatement = prepared[0]
        unfinishedStatement = prepared[1]
    }

    deinit {
        sqlite3_finalize(anySucceededStatement)
        sqlite3_finalize(unfinishedStatement)
        sqlite3_finalize(statement)
        sqlite3_close(db)
    }

    /// Succeeded deliveries of one tenant's connector; nil when the database is busy beyond the timeout.
    func succeeded(_ tenant: BenchTenant) -> Int? {
        sqlite3_reset(statement)
        sqlite3_bind_text(statement, 1, tenant.id, -1, ib_sqlite_transient())
        sqlite3_bind_text(statement, 2, tenant.connectorID, -1, ib_sqlite_transient())
        guard sqlite3_step(statement) == SQLITE_ROW else { return nil }
        let n = Int(sqlite3_column_int64(statement, 0))
        sqlite3_reset(statement)
        return n
    }

    func succeeded(_ tenants: [BenchTenant]) -> Int? {
        var total = 0
        for t in tenants {
            guard let n = succeeded(t) else { return nil }
            total += n
        }
        return total
    }

    /// Whether any of the tenants' deliveries succeeded; nil when the database is busy beyond the timeout.
    func anySucceeded(_ tenants: [BenchTenant]) -> Bool? {
        probe(anySucceededStatement, tenants)
    }

    /// Whether none of the tenants' deliveries is pending, in flight, retrying or paused.
    func allFinished(_ tenants: [BenchTenant]) -> Bool? {
        probe(unfinishedStatement, tenants).map { !$0 }
    }

    /// True when the probe finds a row for any tenant.
    private func probe(_ statement: OpaquePointer?, _ tenants: [BenchTenant]) -> Bool? {
        for t in tenants {
            sqlite3_reset(statement)
            sqlite3_bind_text(statement, 1, t.id, -1, ib_sqlite_transient())
            sqlite3_bind_text(statement, 2, t.connectorID, -1, ib_sqlite_transient())
            guard sqlite3_step(statement) == SQLITE_ROW else { sqlite3_reset(statement); return nil }
            let found = sqlite3_column_int64(statement, 0) != 0
            sqlite3_reset(statement)
            if found { return true }
        }
        return false
    }
}
