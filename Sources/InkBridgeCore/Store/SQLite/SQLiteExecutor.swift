import Dispatch
import Foundation
import Synchronization

/// Owns one SQLite connection and runs every use of it on one serial dispatch
/// queue, off Swift's cooperative pool.
///
/// Writes are group-committed: jobs queued while a transaction runs are all
/// executed in the next transaction, each inside its own savepoint (one failing
/// job rolls back only itself), and none is answered before the COMMIT that
/// holds it has returned. With `synchronous=FULL` an answered write survives a
/// power cut, yet the fsync cost is shared by every job in the batch.
final class SQLiteExecutor: Sendable {
    private let queue: DispatchQueue
    // The connection is touched only on `queue`.
    nonisolated(unsafe) private let connection: SQLiteConnection

    /// A queued write: `run` executes it inside the open transaction and returns
    /// how to answer its caller once the transaction's fate is known.
    private struct Job: @unchecked Sendable {
        let durable: Bool
        let run: (SQLiteConnection) -> Finisher
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
                run: { conn in
                    var outcome: Result<T, StoreError>
                    do throws(StoreError) {
                        try conn.statement("SAVEPOINT job").run()
                        do throws(StoreError) {
                            outcome = .success(try body(conn))
                            try conn.statement("RELEASE job").run()
                        } catch {
                            outcome = .failure(error)
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

    /// Runs on `queue`: one transaction per batch of queued jobs until none is left.
    private func drain() {
        while true {
            let jobs: [Job] = pending.withLock { state in
                if state.jobs.isEmpty { state.scheduled = false; return [] }
                let take = Array(state.jobs.prefix(batchLimit))
                state.jobs.removeFirst(take.count)
                return take
            }
            if jobs.isEmpty { return }
            let durable = jobs.contains { $0.durable }
            if durable != syncFull {
                try? connection.execute(durable ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL")
                syncFull = durable
            }
            do throws(StoreError) {
                try connection.statement("BEGIN IMMEDIATE").run()
            } catch {
                for j in jobs { j.fail(error) }
                continue
            }
            let finishers = jobs.map { job in
                let f = job.run(connection)
                connection.resetUsed()
                return f
            }
            do throws(StoreError) {
                try connection.statement("COMMIT").run()
                for f in finishers { f.committed() }
            } catch {
                try? connection.execute("ROLLBACK")
                for f in finishers { f.aborted(error) }
            }
        }
    }

    func close() {
        closed.store(true, ordering: .releasing)
        queue.sync {}
    }
}
