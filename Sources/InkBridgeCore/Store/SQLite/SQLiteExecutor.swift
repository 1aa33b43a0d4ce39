import Dispatch
import Foundation
import Synchronization

/// Owns one SQLite connection and runs every use of it on one serial dispatch
/// queue, off Swift's cooperative pool.
///
/// Writes are group-committed: jobs queued while a transaction runs are all
/// executed in the next transaction, and none is answered before the COMMIT
/// that holds it has returned. With `synchronous=FULL` an answered write
/// survives a power cut, yet the fsync cost is shared by every job in the batch.
///
/// One failing job rolls back only itself. The batch first runs without
/// savepoints: a savepoint makes SQLite copy every page a job touches into a
/// statement journal before changing it (about 11 pages per ingested event, a
/// tenth of the ingest path's instructions under callgrind). Should a job
/// fail, the whole transaction is rolled back and the batch runs again with
/// each job in its own savepoint. Job bodies only touch the database, so
/// running one twice changes nothing but the work done.
final class SQLiteExecutor: Sendable {
    private let queue: DispatchQueue
    // The connection is touched only on `queue`.
    nonisolated(unsafe) private let connection: SQLiteConnection

    /// A queued write: `run` executes it inside the open transaction and returns
    /// how to answer its caller once the transaction's fate is known.
    private struct Job: @unchecked Sendable {
        let durable: Bool
        /// Runs the body in the open transaction. With `isolated`, inside its own savepoint (a
        /// failure is answered after the commit); without, nil when it failed: the batch must
        /// be rolled back and run again isolated.
        let run: (_ db: SQLiteConnection, _ isolated: Bool) -> Finisher?
        let fail: (StoreError) -> Void
    }

    private struct Finisher {
        let committed: () -> Void
        let aborted: (StoreError) -> Void
    }

    /// Jobs waiting for the next transaction, and whether a drain is scheduled on `queue`.
    private let pending = Mutex<(jobs: [Job], scheduled: Bool)>(([], false))
    private let batchLimit: Int
    private let closed = Atomic<Bool>(false)
    /// An empty array with capacity, traded with the queue's at each batch; only touched on `queue`.
    nonisolated(unsafe) private var spareJobs: [Job] = []
    /// The connection's current `synchronous` level; only touched on `queue`.
    nonisolated(unsafe) private var syncFull = true

    init(label: String, connection: SQLiteConnection, batchLimit: Int = 2000) {
        self.queue = DispatchQueue(label: label, qos: .userInitiated)
        self.connection = connection
        self.batchLimit = batchLimit
    }

    /// Runs `body` on the queue outside any batch (set-up, migrations, reads).
    func run<T: Sendable>(_ body: @escaping @Sendable (SQLiteConnection) throws(StoreError) -> T) async throws(StoreError) -> T {
        let result: Result<T, StoreError> = await withCheckedContinuation { cont in
            queue.async {
                let result: Result<T, StoreError>
                do throws(StoreError) { result = .success(try body(self.connection)) } catch { result = .failure(error) }
                self.connection.resetUsed()
                cont.resume(returning: result)
            }
        }
        return try result.get()
    }

    /// Synchronous variant for start-up code that is not async.
    func runSync<T>(_ body: (SQLiteConnection) throws(StoreError) -> T) throws(StoreError) -> T {
        let result: Result<T, StoreError> = queue.sync {
            defer { connection.resetUsed() }
            do throws(StoreError) { return .success(try body(connection)) } catch { return .failure(error) }
        }
        return try result.get()
    }

    /// Runs `body` inside the next group-committed write transaction, in its own savepoint.
    ///
    /// `durable` jobs (ingest, operator actions) are answered only after a
    /// commit with `synchronous=FULL`: the WAL is fsynced, a power cut loses
    /// nothing answered. A batch of only non-durable jobs (the dispatcher's
    /// claims and attempt records) commits with `synchronous=NORMAL`: no fsync;
    /// the next durable commit or checkpoint syncs those frames too. A power cut
    /// can then lose the latest attempt records, and those deliveries are sent
    /// again (at least once, same delivery id); never an acknowledged event.
    func write<T: Sendable>(durable: Bool = true, _ body: @escaping @Sendable (SQLiteConnection) throws(StoreError) -> T) async throws(StoreError) -> T {
        if closed.load(ordering: .acquiring) { throw StoreError(.closed, "the store is closed") }
        let result: Result<T, StoreError> = await withCheckedContinuation { cont in
            let job = Job(
                durable: durable,
                run: { conn, isolated in
                    var outcome: Result<T, StoreError>
                    if !isolated {
                        do throws(StoreError) { outcome = .success(try body(conn)) } catch { return nil }
                        let answer = outcome
                        return Finisher(committed: { cont.resume(returning: answer) },
                                        aborted: { cont.resume(returning: .failure($0)) })
                    }
                    do throws(StoreError) {
                        try conn.statement("SAVEPOINT job").run()
                        // Rolled back with the job: what it added to the counts.
                        let counts = conn.pendingCounts
                        do throws(StoreError) {
                            outcome = .success(try body(conn))
                            try conn.statement("RELEASE job").run()
                        } catch {
                            outcome = .failure(error)
                            conn.pendingCounts = counts
                            try? conn.statement("ROLLBACK TO job").run()
                            try? conn.statement("RELEASE job").run()
                        }
                    } catch {
                        outcome = .failure(error)
                    }
                    let answer = outcome
                    return Finisher(committed: { cont.resume(returning: answer) },
                                    aborted: { cont.resume(returning: .failure($0)) })
                },
                fail: { cont.resume(returning: .failure($0)) })
            let schedule = pending.withLock { state -> Bool in
                state.jobs.append(job)
                if state.scheduled { return false }
                state.scheduled = true
                return true
            }
            if schedule { queue.async { self.drain() } }
        }
        return try result.get()
    }

    /// Writes queued for the next transaction (tests line a batch up with it).
    var queuedJobs: Int { pending.withLock { $0.jobs.count } }

    /// Runs on `queue`: one transaction per batch of queued jobs until none is left.
    private func drain() {
        while true {
            // The batch's array and the queue's trade places (keeping their capacity), so neither
            // is reallocated per batch.
            var jobs = spareJobs
            spareJobs = []
            pending.withLock { state in
                if state.jobs.isEmpty {
                    state.scheduled = false
                } else if state.jobs.count <= batchLimit {
                    swap(&jobs, &state.jobs)
                } else {
                    jobs.append(contentsOf: state.jobs.prefix(batchLimit))
                    state.jobs.removeFirst(batchLimit)
                }
            }
            defer {
                jobs.removeAll(keepingCapacity: true)
                spareJobs = jobs
            }
            if jobs.isEmpty { return }
            let durable = jobs.contains { $0.durable }
            if durable != syncFull {
                try? connection.execute(durable ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL")
                syncFull = durable
            }
            guard let finishers = runBatch(jobs) else { continue }
            do throws(StoreError) {
                try connection.beforeCommit?(connection)
                try connection.statement("COMMIT").run()
                for f in finishers { f.committed() }
            } catch {
                try? connection.execute("ROLLBACK")
                for f in finishers { f.aborted(error) }
            }
        }
    }

    /// Opens the transaction and runs the jobs in it, first without savepoints, then (after a
    /// rollback) each in its own if one failed. Nil when no transaction could be opened (every
    /// job has been answered with the error).
    private func runBatch(_ jobs: [Job]) -> [Finisher]? {
        for isolated in [false, true] {
            connection.pendingCounts.removeAll(keepingCapacity: true)
            do throws(StoreError) {
                try connection.statement("BEGIN IMMEDIATE").run()
            } catch {
                for j in jobs { j.fail(error) }
                return nil
            }
            var finishers: [Finisher] = []
            finishers.reserveCapacity(jobs.count)
            for job in jobs {
                let f = job.run(connection, isolated)
                connection.resetUsed()
                guard let f else { break }
                finishers.append(f)
            }
            if finishers.count == jobs.count { return finishers }
            try? connection.execute("ROLLBACK")
        }
        preconditionFailure("a job in its own savepoint always answers")
    }

    func close() {
        closed.store(true, ordering: .releasing)
        queue.sync {}
    }
}
