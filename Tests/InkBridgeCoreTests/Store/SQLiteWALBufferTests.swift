import Foundation
@testable import InkBridgeCore
import InkBridgeSandbox
import XCTest

/// The WAL-buffering VFS shim (SQLiteWALBuffer): a commit's frames reach the WAL in a
/// few large writes, and every commit is in the file, for any other connection to read,
/// as soon as it returns, whatever its size.
final class SQLiteWALBufferTests: XCTestCase {
    let dir = SandboxPaths.temporaryDirectory(prefix: "inkbridge-test")

    override func tearDown() { try? FileManager.default.removeItem(atPath: dir) }

    /// A writer in WAL mode without fsync at commit (`synchronous=NORMAL`, as the dispatcher's
    /// commits run): only the shim's own write at the commit frame puts a commit in the file.
    func makeWriter(cacheKiB: Int = 8192) throws -> SQLiteConnection {
        let writer = try SQLiteConnection(path: dir + "/w.db")
        try writer.execute("PRAGMA page_size=8192")
        try writer.execute("PRAGMA journal_mode=WAL")
        try writer.execute("PRAGMA synchronous=NORMAL")
        try writer.execute("PRAGMA cache_size=-\(cacheKiB)")
        // No automatic checkpoint: the WAL only grows, so every frame is read back from it.
        try writer.execute("PRAGMA wal_autocheckpoint=0")
        try writer.execute("CREATE TABLE t (k INTEGER PRIMARY KEY, v BLOB NOT NULL)")
        return writer
    }

    func insert(_ db: SQLiteConnection, from k: Int, count: Int, size: Int) throws {
        try db.execute("BEGIN IMMEDIATE")
        for i in k..<(k + count) {
            try db.statement("INSERT INTO t (k, v) VALUES (?, ?)")
                .bind(.int(Int64(i)), .blob([UInt8](repeating: UInt8(truncatingIfNeeded: i), count: size))).run()
        }
        try db.execute("COMMIT")
        db.resetUsed()
    }

    func testACommitOfManyPagesReachesTheWALInOneWritePer124KiB() throws {
        XCTAssertTrue(SQLiteWALBuffer.registered)
        let writer = try makeWriter()
        let before = try XCTUnwrap(writer.walBufferStats, "the WAL is open through the shim")
        // 40 rows of 3 KiB: about 16 new pages plus the b-tree's, each frame written by SQLite in
        // two calls (header, page).
        try insert(writer, from: 0, count: 40, size: 3072)
        let after = try XCTUnwrap(writer.walBufferStats)
        let writes = after.writes - before.writes, pwrites = after.pwrites - before.pwrites
        XCTAssertGreaterThanOrEqual(writes, 32, "SQLite wrote at least 16 frames in two calls each")
        // 16+ frames of 8,216 bytes is more than 124 KiB: two pieces, never one per frame.
        XCTAssertLessThanOrEqual(pwrites, 2, "\(writes) writes reached the file in \(pwrites) calls")
        XCTAssertGreaterThanOrEqual(pwrites, 1)
    }

    func testEveryCommitIsReadableByAnotherConnectionAsSoonAsItReturns() throws {
        // A 256 KiB page cache: the big transactions spill frames into the WAL before their
        // commit, and pass the shim's 2 MiB buffer (a commit frame can then land in a full one).
        let writer = try makeWriter(cacheKiB: 256)
        let reader = try SQLiteConnection(path: dir + "/w.db", readOnly: true)
        var rows = 0, bytes = 0
        // Small commits, commits of one or two pieces, and commits of several megabytes.
        let plan: [(count: Int, size: Int)] = [(1, 10), (3, 5000), (40, 3072), (1, 100), (700, 4000), (2, 9000), (1500, 2500),
                                               (1, 1), (50, 8000), (5, 60_000), (1, 3), (900, 3333)]
        for (step, (count, size)) in plan.enumerated() {
            try insert(writer, from: rows, count: count, size: size)
            rows += count
            bytes += count * size
            let s = try reader.statement("SELECT count(*), sum(length(v)), max(k) FROM t")
            XCTAssertTrue(try s.step())
            XCTAssertEqual(s.int(0), Int64(rows), "rows seen by the reader after commit \(step)")
            XCTAssertEqual(s.int(1), Int64(bytes), "bytes seen by the reader after commit \(step)")
            XCTAssertEqual(s.int(2), Int64(rows - 1))
            reader.resetUsed()
        }
        // Every row's bytes, read back through the WAL by a third connection.
        let check = try SQLiteConnection(path: dir + "/w.db", readOnly: true)
        let wrong = try check.statement("""
            SELECT count(*) FROM t WHERE hex(substr(v, 1, 1)) != printf('%02X', k % 256) OR hex(substr(v, -1, 1)) != printf('%02X', k % 256)
            """)
        XCTAssertTrue(try wrong.step())
        XCTAssertEqual(wrong.int(0), 0)
        check.resetUsed()
        let integrity = try check.statement("PRAGMA integrity_check")
        XCTAssertTrue(try integrity.step())
        XCTAssertEqual(integrity.text(0), "ok")
        check.resetUsed()
    }

    /// Transactions around the size (255 frames of 8 KiB pages) whose commit frame's header is
    /// the last write that fits the 2 MiB buffer: its page then starts a new buffer, which must
    /// still be written before the commit returns.
    func testACommitFrameSplitAcrossTwoBuffersIsWrittenBeforeTheCommitReturns() throws {
        let writer = try makeWriter()
        let reader = try SQLiteConnection(path: dir + "/w.db", readOnly: true)
        // 300 rows of 7,000 bytes: one leaf page each.
        try insert(writer, from: 0, count: 300, size: 7000)
        for (round, rows) in (245...268).enumerated() {
            let mark = UInt8(round + 1)
            try writer.execute("BEGIN IMMEDIATE")
            try writer.statement("UPDATE t SET v = ? WHERE k < ?").bind(.blob([UInt8](repeating: mark, count: 7000)), .int(Int64(rows))).run()
            try writer.execute("COMMIT")
            writer.resetUsed()
            // Every updated row, first and last byte, as the reader sees it right after the commit.
            let s = try reader.statement("""
                SELECT count(*), sum(hex(substr(v, 1, 1)) = ?1 AND hex(substr(v, -1, 1)) = ?1) FROM t WHERE k < ?2
                """).bind(.text(String(format: "%02X", mark)), .int(Int64(rows)))
            XCTAssertTrue(try s.step())
            XCTAssertEqual(s.int(0), Int64(rows))
            XCTAssertEqual(s.int(1), Int64(rows), "rows the reader sees updated by a commit of about \(rows) pages")
            reader.resetUsed()
        }
    }

    /// A write the shim passes on that fails (here: the file size limit, as a full disk would)
    /// fails the `COMMIT` that caused it; nothing of that transaction is visible, everything
    /// committed before is, and the next transaction commits normally.
    func testAFailedWALWriteFailsItsCommitAndLosesNothingCommittedBefore() throws {
        let writer = try makeWriter()
        let reader = try SQLiteConnection(path: dir + "/w.db", readOnly: true)
        try insert(writer, from: 0, count: 10, size: 1000)
        let walSize = try XCTUnwrap(FileManager.default.attributesOfItem(atPath: dir + "/w.db-wal")[.size] as? Int)

        var saved = rlimit()
        getrlimit(__rlimit_resource_t(RLIMIT_FSIZE.rawValue), &saved)
        let previousHandler = signal(SIGXFSZ, SIG_IGN)
        var small = saved
        small.rlim_cur = rlim_t(walSize + 64 * 1024)
        setrlimit(__rlimit_resource_t(RLIMIT_FSIZE.rawValue), &small)
        // About 600 KiB of frames: the commit's write passes the limit.
        XCTAssertThrowsError(try insert(writer, from: 10, count: 200, size: 3000)) { error in
            XCTAssertTrue("\(error)".contains("disk") || "\(error)".contains("full") || "\(error)".contains("I/O"), "\(error)")
        }
        setrlimit(__rlimit_resource_t(RLIMIT_FSIZE.rawValue), &saved)
        signal(SIGXFSZ, previousHandler)
        try? writer.execute("ROLLBACK")
        writer.resetUsed()

        func rows() throws -> Int64 {
            let s = try reader.statement("SELECT count(*) FROM t")
            XCTAssertTrue(try s.step())
            defer { reader.resetUsed() }
            return s.int(0)
        }
        XCTAssertEqual(try rows(), 10, "the failed transaction left nothing, the earlier commit is whole")
        try insert(writer, from: 10, count: 200, size: 3000)
        XCTAssertEqual(try rows(), 210)
        let check = try SQLiteConnection(path: dir + "/w.db", readOnly: true)
        let integrity = try check.statement("PRAGMA integrity_check")
        XCTAssertTrue(try integrity.step())
        XCTAssertEqual(integrity.text(0), "ok")
        check.resetUsed()
    }

    func testAfterTheWriterClosesTheDatabaseHoldsEveryCommit() throws {
        var rows = 0
        do {
            let writer = try makeWriter()
            for n in 1...30 {
                try insert(writer, from: rows, count: n, size: 700)
                rows += n
            }
        }
        let check = try SQLiteConnection(path: dir + "/w.db", readOnly: true)
        let s = try check.statement("SELECT count(*) FROM t")
        XCTAssertTrue(try s.step())
        XCTAssertEqual(s.int(0), Int64(rows))
        check.resetUsed()
    }
}
