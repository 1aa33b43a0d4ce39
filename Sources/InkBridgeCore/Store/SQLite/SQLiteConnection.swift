import CSQLite
import Foundation

/// One SQLite connection. Not thread-safe by itself: every use happens on the
/// serial queue of the `SQLiteExecutor` that owns it, so blocking
/// `sqlite3_step` never runs on Swift's cooperative pool.
final class SQLiteConnection {
    let handle: OpaquePointer
    private var statements: [String: SQLiteStatement] = [:]
    private var literalStatements: [UnsafeRawPointer: SQLiteStatement] = [:]
    /// Statements handed out since the last `resetUsed()`: a statement left
    /// mid-iteration would pin an old read snapshot (WAL) until it is reset.
    private var used: [SQLiteStatement] = []
    /// Kept alive as long as the connection: its WAL hook points at it unretained.
    var walHookContext: AnyObject?
    /// Changes to `delivery_counts` made by the open transaction's jobs, written together
    /// just before it commits (`SQLiteEventStore.count`, `SQLiteExecutor`).
    var pendingCounts: [DeliveryCountKey: Int] = [:]
    /// Runs in the open transaction right before `COMMIT` (the store writes `pendingCounts`).
    var beforeCommit: ((SQLiteConnection) throws(StoreError) -> Void)?

    /// Once per process, before the first connection.
    private static let configured: Bool = {
        _ = ib_sqlite_disable_memstatus()
        return true
    }()

    /// What the WAL shim did for this connection's WAL: writes SQLite made, `pwrite` calls
    /// issued. Nil when the WAL is not open through the shim.
    var walBufferStats: (writes: Int64, pwrites: Int64)? {
        SQLiteWALBuffer.stats(handle)
    }

    init(path: String, readOnly: Bool = false) throws(StoreError) {
        _ = Self.configured
        var db: OpaquePointer?
        let flags = (readOnly ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)) | SQLITE_OPEN_NOMUTEX
        // Through the WAL-buffering shim (SQLiteWALBuffer: one `pwrite` per 124 KiB of a commit's
        // WAL frames instead of two per page); SQLite's own VFS if it could not be registered.
        let rc = sqlite3_open_v2(path, &db, flags, SQLiteWALBuffer.registered ? SQLiteWALBuffer.vfsName : nil)
        guard rc == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            if let db { sqlite3_close_v2(db) }
            throw StoreError(.unavailable, "cannot open SQLite database \(path): \(message)")
        }
        handle = db
        sqlite3_busy_timeout(db, 10_000)
    }

    deinit {
        literalStatements.removeAll()
        statements.removeAll()
        sqlite3_close_v2(handle)
    }

    func execute(_ sql: String) throws(StoreError) {
        var message: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(handle, sql, nil, nil, &message)
        if rc != SQLITE_OK {
            let text = message.map { String(cString: $0) } ?? String(cString: sqlite3_errmsg(handle))
            sqlite3_free(message)
            throw StoreError(rc == SQLITE_FULL ? .full : .failed, "SQLite: \(text)")
        }
    }

    /// A cached prepared statement, reset (bind every parameter before stepping). SQL written as a literal
    /// is looked up by its address: hashing the text cost about 2,000 instructions per use,
    /// several uses per delivery.
    func statement(_ sql: StaticString) throws(StoreError) -> SQLiteStatement {
        let key = UnsafeRawPointer(sql.utf8Start)
        if let s = literalStatements[key] {
            s.reset()
            used.append(s)
            return s
        }
        let s = try statement(dynamic: sql.description)
        literalStatements[key] = s
        return s
    }

    /// A cached prepared statement for SQL built at run time, looked up by its text.
    func statement(dynamic sql: String) throws(StoreError) -> SQLiteStatement {
        if let s = statements[sql] {
            s.reset()
            used.append(s)
            return s
        }
        var stmt: OpaquePointer?
        let rc = sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &stmt, nil)
        guard rc == SQLITE_OK, let stmt else { throw error(rc, context: "prepare") }
        let s = SQLiteStatement(stmt, connection: self)
        statements[sql] = s
        used.append(s)
        return s
    }

    /// Resets every statement used by the job that just ran.
    func resetUsed() {
        for s in used { s.reset() }
        used.removeAll(keepingCapacity: true)
    }

    func error(_ rc: Int32, context: String) -> StoreError {
        let kind: StoreError.Kind = rc == SQLITE_FULL ? .full : (rc == SQLITE_BUSY ? .busy : .failed)
        return StoreError(kind, "SQLite \(context): \(String(cString: sqlite3_errmsg(handle))) (\(rc))")
    }

    var changes: Int { Int(sqlite3_changes(handle)) }
    var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }
}

/// A prepared statement. Bind by 1-based index; read columns by 0-based index.
final class SQLiteStatement {
    let stmt: OpaquePointer
    unowned let connection: SQLiteConnection

    init(_ stmt: OpaquePointer, connection: SQLiteConnection) {
        self.stmt = stmt
        self.connection = connection
    }

    deinit { sqlite3_finalize(stmt) }

    /// Bindings are kept: `bind` always sets every parameter (it checks), so clearing them
    /// (twice per use, about 1% of the ingest path's instructions) was work for nothing.
    func reset() {
        sqlite3_reset(stmt)
    }

    @discardableResult
    func bind(_ values: SQLiteValue...) -> SQLiteStatement { bind(values) }

    @discardableResult
    func bind(_ values: [SQLiteValue]) -> SQLiteStatement {
        precondition(Int(sqlite3_bind_parameter_count(stmt)) == values.count,
                     "\(values.count) values for \(sqlite3_bind_parameter_count(stmt)) parameters in \(String(cString: sqlite3_sql(stmt)))")
        for (i, v) in values.enumerated() {
            let idx = Int32(i + 1)
            switch v {
            case .null: sqlite3_bind_null(stmt, idx)
            case .int(let n): sqlite3_bind_int64(stmt, idx, n)
            case .double(let d): sqlite3_bind_double(stmt, idx, d)
            case .text(let s):
                // With its length: SQLite need not scan for the terminator.
                var text = s
                text.withUTF8 { p in
                    p.withMemoryRebound(to: CChar.self) { c in
                        if let base = c.baseAddress, c.count > 0 {
                            _ = sqlite3_bind_text(stmt, idx, base, Int32(c.count), ib_sqlite_transient())
                        } else {
                            _ = sqlite3_bind_text(stmt, idx, "", 0, ib_sqlite_transient())
                        }
                    }
                }
            case .blob(let b):
                b.withUnsafeBytes { p in _ = sqlite3_bind_blob(stmt, idx, p.baseAddress, Int32(b.count), ib_sqlite_transient()) }
            }
        }
        return self
    }

    /// Steps once: true when a row is available.
    func step() throws(StoreError) -> Bool {
        let rc = sqlite3_step(stmt)
        if rc == SQLITE_ROW { return true }
        if rc == SQLITE_DONE { return false }
        throw connection.error(rc, context: "step")
    }

    /// Runs a statement that returns no rows.
    func run() throws(StoreError) {
        while try step() {}
        sqlite3_reset(stmt)
    }

    func int(_ col: Int32) -> Int64 { sqlite3_column_int64(stmt, col) }
    func double(_ col: Int32) -> Double { sqlite3_column_double(stmt, col) }
    func isNull(_ col: Int32) -> Bool { sqlite3_column_type(stmt, col) == SQLITE_NULL }
    func optionalInt(_ col: Int32) -> Int64? { isNull(col) ? nil : int(col) }
    func text(_ col: Int32) -> String {
        guard let p = sqlite3_column_text(stmt, col) else { return "" }
        return String(cString: p)
    }
    func optionalText(_ col: Int32) -> String? { isNull(col) ? nil : text(col) }
    func blob(_ col: Int32) -> [UInt8] {
        let n = Int(sqlite3_column_bytes(stmt, col))
        guard n > 0, let p = sqlite3_column_blob(stmt, col) else { return [] }
        return Array(UnsafeRawBufferPointer(start: p, count: n))
    }
}

enum SQLiteValue {
    case null
    case int(Int64)
    case double(Double)
    case text(String)
    case blob([UInt8])

    static func optional(_ s: String?) -> SQLiteValue { s.map { .text($0) } ?? .null }
    static func optional(_ n: Int?) -> SQLiteValue { n.map { .int(Int64($0)) } ?? .null }
}
