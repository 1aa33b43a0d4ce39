import CSQLite
import Foundation

/// Suite 2, the durable-write limit: 1 KiB rows into a fresh SQLite WAL
/// database with `synchronous=FULL` (the hub's setting), 100 rows per
/// transaction, for one window.
enum StoreSuite {
    static func run(_ ctx: BenchContext) throws(BenchError) {
        let dir = try ctx.workspace.directory("store")
        var db: OpaquePointer?
        guard sqlite3_open(dir + "/store.db", &db) == SQLITE_OK, let db else { throw BenchError("cannot open the store database") }
        defer { sqlite3_close(db) }
        func exec(_ sql: String) throws(BenchError) {
            guard sqlite3_exec(db, sql, nil, nil, nil) == SQLITE_OK else {
                throw BenchError("\(sql): \(String(cString: sqlite3_errmsg(db)))")
            }
        }
        try exec("PRAGMA journal_mode=WAL")
        try exec("PRAGMA synchronous=FULL")
        try exec("CREATE TABLE rows (id INTEGER PRIMARY KEY, body BLOB NOT NULL)")
        var insert: OpaquePointer?
        guard sqlite3_prepare_v2(db, "INSERT INTO rows (body) VALUES (?)", -1, &insert, nil) == SQLITE_OK else {
            throw BenchError("prepare: \(String(cString: sqlite3_errmsg(db)))")
        }
        defer { sqlite3_finalize(insert) }
        let row = [UInt8](repeating: 0x61, count: 1024)
        var rows = 0, transactions = 0
        let selfCPU = CPUMeter([getpid()]), machineCPU = CPUMeter.machine()
        let start = DispatchTime.now().uptimeNanoseconds
        let end = start + UInt64(ctx.scale.window * 1e9)
        var now = start
        while now < end {
            try exec("BEGIN")
            for _ in 0..<100 {
                sqlite3_reset(insert)
                _ = row.withUnsafeBytes { sqlite3_bind_blob(insert, 1, $0.baseAddress, Int32($0.count), ib_sqlite_transient()) }
                guard sqlite3_step(insert) == SQLITE_DONE else { throw BenchError("insert: \(String(cString: sqlite3_errmsg(db)))") }
            }
            try exec("COMMIT")
            rows += 100
            transactions += 1
            now = DispatchTime.now().uptimeNanoseconds
        }
        let seconds = Double(now - start) / 1e9
        let selfShare = selfCPU.percent(), otherShare = max(0, machineCPU.percent() - selfShare)
        ctx.report.foreign("store", otherShare)
        ctx.report.add("store", "store_rows_per_s", Double(rows) / seconds, "rows/s")
        ctx.report.note("store", "1 KiB rows, WAL, synchronous=FULL, 100 rows per transaction: \(rows) rows in \(transactions) commits "
                        + "(\(Int(Double(transactions) / seconds)) commits/s) over \(String(format: "%.1f", seconds)) s; "
                        + "CPU: this loop \(Stats.percent(selfShare)), other processes \(Stats.percent(otherShare)) of one CPU")
    }
}
