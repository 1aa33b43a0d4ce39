import CSQLite
import Foundation

/// The embedded store: one SQLite database in WAL mode with `synchronous=FULL`
/// (an acknowledged write survives a power cut). One writer connection with
/// group commit, one reader connection for API reads; one process.
public final class SQLiteEventStore: EventStore {
    let writer: SQLiteExecutor
    let reader: SQLiteExecutor
    let checkpointer: SQLiteCheckpointer
    public let path: String

    public convenience init(path: String) throws(StoreError) {
        try self.init(path: path, checkpointNudgeFrames: 1000, checkpointBackstopFrames: 4000)
    }

    /// With the checkpoint thresholds (WAL frames) of `SQLiteCheckpointer`; tests make them small.
    package init(path: String, checkpointNudgeFrames: Int32, checkpointBackstopFrames: Int32) throws(StoreError) {
        self.path = path
        let w = try SQLiteConnection(path: path)
        // 8 KiB pages for a new database (an existing one keeps its own): an ingested event writes a
        // 1.5 KiB row and a few index entries, and with 4 KiB pages the WAL got more frames and the
        // b-trees more page splits per event. The ingest benchmark measured 6-10% less hub CPU per
        // event over three alternating runs (README.md, Performance); 16 KiB did no better.
        try w.execute("PRAGMA page_size=8192")
        try w.execute("PRAGMA journal_mode=WAL")
        try w.execute("PRAGMA synchronous=FULL")
        try w.execute("PRAGMA foreign_keys=ON")
        try w.execute("PRAGMA temp_store=MEMORY")
        // 8 MiB of page cache. Every commit walks the whole page-cache hash (a truncate at the end of
        // the transaction, seen in perf under sqlite3PagerCommitPhaseTwo): at 64 MiB that walk was
        // about 5% of the hub's CPU in a drain; the working set (index tops, recent rows) fits in 8.
        try w.execute("PRAGMA cache_size=-8192")
        // Checkpoints run on their own thread; the writer only catches up past a backstop
        // (SQLiteCheckpointer), which replaces SQLite's automatic checkpoint.
        let checkpointer = try SQLiteCheckpointer(path: path, nudgeFrames: checkpointNudgeFrames, backstopFrames: checkpointBackstopFrames)
        checkpointer.attach(to: w)
        self.checkpointer = checkpointer
        try Self.migrate(w)
        w.beforeCommit = { db throws(StoreError) in try Self.flushCounts(db) }
        writer = SQLiteExecutor(label: "inkbridge.sqlite.writer", connection: w)
        let r = try SQLiteConnection(path: path)
        try r.execute("PRAGMA query_only=ON")
        reader = SQLiteExecutor(label: "inkbridge.sqlite.reader", connection: r)
    }

    static func migrate(_ db: SQLiteConnection) throws(StoreError) {
        try db.execute("CREATE TABLE IF NOT EXISTS schema_migrations (id TEXT PRIMARY KEY, applied_at REAL NOT NULL)")
        for migration in SQLiteMigrations.all {
            let check = try db.statement("SELECT 1 FROM schema_migrations WHERE id = ?").bind(.text(migration.id))
            if try check.step() { continue }
            try db.execute("BEGIN IMMEDIATE")
            do throws(StoreError) {
                try db.execute(migration.sql)
                try db.statement("INSERT INTO schema_migrations (id, applied_at) VALUES (?, ?)")
                    .bind(.text(migration.id), .double(Date().timeIntervalSince1970)).run()
                try db.execute("COMMIT")
            } catch {
                try? db.execute("ROLLBACK")
                throw StoreError(error.kind, "migration \(migration.id) failed: \(error.message)")
            }
        }
    }

    public func ping() async -> Bool {
        (try? await reader.run { db throws(StoreError) in try db.statement("SELECT 1").step() }) ?? false
    }

    /// Waits until the checkpoint passes queued so far have run.
    package func settleCheckpoints() { checkpointer.settle() }

    public func close() {
        writer.close()
        reader.close()
        checkpointer.stop()
    }
}

extension Date {
    var unix: Double { timeIntervalSince1970 }
    init(unix: Double) { self.init(timeIntervalSince1970: unix) }
}
