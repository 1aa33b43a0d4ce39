import CSQLite
import Foundation

/// Counts succeeded deliveries in a hub's database from outside the hub: a
/// read-only connection (WAL lets it read while the hub writes). Each count is
/// a range of the `(tenant, connector, state)` index, so a poll costs in
/// proportion to what succeeded so far, not to the whole table.
final class DeliveryCounter {
    private var db: OpaquePointer?
    private var statement: OpaquePointer?

    init(path: String) throws(BenchError) {
        guard sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, nil) == SQLITE_OK else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close(db)
            throw BenchError("cannot open \(path) read-only: \(message)")
        }
        sqlite3_busy_timeout(db, 2000)
        let sql = "SELECT count(*) FROM deliveries WHERE tenant = ? AND connector = ? AND state = 2"
        guard sqlite3_prepare_v2(db, sql, -1, &statement, nil) == SQLITE_OK else {
            let message = String(cString: sqlite3_errmsg(db))
            sqlite3_close(db)
            throw BenchError("cannot prepare the delivery count: \(message)")
        }
    }

    deinit {
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
}
