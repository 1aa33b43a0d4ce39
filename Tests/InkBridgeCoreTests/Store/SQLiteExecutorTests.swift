import Dispatch
import Foundation
@testable import InkBridgeCore
import InkBridgeSandbox
import XCTest

/// Group commit: the writes queued while a transaction runs share the next one, and a
/// write that fails in such a batch leaves nothing behind while the others commit.
final class SQLiteExecutorTests: XCTestCase {
    let dir = SandboxPaths.temporaryDirectory(prefix: "inkbridge-test")

    override func tearDown() {
        try? FileManager.default.removeItem(atPath: dir)
    }

    /// A writer on a fresh database with one table, closed at the end of the test.
    func makeExecutor() throws -> SQLiteExecutor {
        let connection = try SQLiteConnection(path: dir + "/x.db")
        try connection.execute("PRAGMA journal_mode=WAL")
        try connection.execute("CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT NOT NULL)")
        try connection.execute("CREATE TABLE delivery_counts (tenant TEXT, connector TEXT, state INTEGER, n INTEGER, PRIMARY KEY (tenant, connector, state)) WITHOUT ROWID")
        connection.beforeCommit = { db throws(StoreError) in try SQLiteEventStore.flushCounts(db) }
        let executor = SQLiteExecutor(label: "test.writer", connection: connection)
        addTeardownBlock { executor.close() }
        return executor
    }

    static func insert(_ db: SQLiteConnection, _ k: Int64, _ v: String) throws(StoreError) {
        try db.statement("INSERT INTO t (k, v) VALUES (?, ?)").bind(.int(k), .text(v)).run()
    }

    /// One write: `before` (on the writer's queue), then the inserts (each counted as one pending
    /// delivery of acme/hook, as the store counts them), then `failing` thrown if given.
    static func write(_ executor: SQLiteExecutor, insert rows: [Row], failing: StoreError? = nil,
                      before: @escaping @Sendable () -> Void = {}) async throws {
        _ = try await executor.write { (db: SQLiteConnection) throws(StoreError) -> Int in
            before()
            for row in rows {
                try insert(db, row.k, row.v)
                SQLiteEventStore.count(db, tenant: "acme", connector: "hook", from: nil, to: 0, n: 1)
            }
            if let failing { throw failing }
            return rows.count
        }
    }

    struct Row: Sendable {
        let k: Int64
        let v: String
    }

    /// What `delivery_counts` holds: the inserts of the writes that committed.
    static func counted(_ executor: SQLiteExecutor) async throws -> Int64 {
        try await executor.run { db throws(StoreError) in
            let s = try db.statement("SELECT coalesce(sum(n), 0) FROM delivery_counts")
            return try s.step() ? s.int(0) : -1
        }
    }

    static func rows(_ executor: SQLiteExecutor) async throws -> [Int64: String] {
        try await executor.run { db throws(StoreError) in
            let s = try db.statement("SELECT k, v FROM t ORDER BY k")
            var rows: [Int64: String] = [:]
            while try s.step() { rows[s.int(0)] = s.text(1) }
            return rows
        }
    }

    /// Holds the writer's queue inside a first write until `release`, so the next writes queue up as one batch.
    static func holdWriter(_ executor: SQLiteExecutor) async -> (release: DispatchSemaphore, done: Task<Void, any Error>) {
        let started = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let done = Task { () async throws -> Void in
            try await Self.write(executor, insert: [Row(k: 1, v: "first")], before: {
                started.signal()
                release.wait()
            })
        }
        _ = await eventually { started.wait(timeout: .now()) == .success }
        return (release, done)
    }

    /// Starts one write while the writer is held, then waits until `queued` writes wait for the next transaction.
    func queueWrite(_ executor: SQLiteExecutor, _ rows: [Row], failing: StoreError? = nil, queued: Int,
                    file: StaticString = #filePath, line: UInt = #line) async -> Task<Void, any Error> {
        let task = Task { () async throws -> Void in try await SQLiteExecutorTests.write(executor, insert: rows, failing: failing) }
        let waiting = await eventually { executor.queuedJobs == queued }
        XCTAssertTrue(waiting, "\(queued) writes wait for the same transaction", file: file, line: line)
        return task
    }

    func testAFailingWriteInABatchLeavesNothingAndTheOthersCommit() async throws {
        let executor = try makeExecutor()
        let (release, first) = await Self.holdWriter(executor)
        let b = await queueWrite(executor, [Row(k: 2, v: "b")], queued: 1)
        let c = await queueWrite(executor, [Row(k: 3, v: "c")], failing: StoreError(.conflict, "c changed its mind"), queued: 2)
        let d = await queueWrite(executor, [Row(k: 4, v: "d")], queued: 3)
        release.signal()
        try await first.value

        try await b.value
        try await d.value
        do {
            _ = try await c.value
            XCTFail("the failing write must answer its error")
        } catch let error as StoreError {
            XCTAssertEqual(error.kind, .conflict)
            XCTAssertEqual(error.message, "c changed its mind")
        }
        let stored = try await Self.rows(executor)
        XCTAssertEqual(stored, [1: "first", 2: "b", 4: "d"], "c's row was rolled back with it; the others' rows are all there")
        do { let value = try await Self.counted(executor); XCTAssertEqual(value, 3, "c's count was dropped with its row") }
    }

    func testAWriteThatBreaksAConstraintFailsAloneInItsBatch() async throws {
        let executor = try makeExecutor()
        let (release, first) = await Self.holdWriter(executor)
        // The duplicate key fails inside SQLite, after the same batch inserted 5.
        let ok = await queueWrite(executor, [Row(k: 5, v: "five")], queued: 1)
        let duplicate = await queueWrite(executor, [Row(k: 6, v: "six"), Row(k: 5, v: "again")], queued: 2)
        release.signal()
        try await first.value
        try await ok.value
        do {
            try await duplicate.value
            XCTFail("a UNIQUE violation must fail the write")
        } catch is StoreError {}
        let stored = try await Self.rows(executor)
        XCTAssertEqual(stored, [1: "first", 5: "five"], "the failed write's first insert (6) is undone too")
        do { let value = try await Self.counted(executor); XCTAssertEqual(value, 2, "and so is its count") }
    }
}
