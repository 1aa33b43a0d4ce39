import CSQLite
import Dispatch
import Foundation
import Synchronization

/// Moves WAL frames into the database file from a connection and a thread of
/// its own, so the writer (the store's one serial bottleneck) spends its time on
/// transactions rather than on copying pages and syncing the database file.
///
/// The writer connection's WAL hook (installed by `attach(to:)`, replacing
/// SQLite's automatic checkpoint) runs after each of its commits:
/// - every `nudgeFrames` frames added to the WAL it wakes this thread, which
///   runs a PASSIVE checkpoint (never blocking the writer or readers). Passes
///   that far apart copy a page written by many commits once: back-to-back
///   passes (every 256 frames) cost 11% of the hub's CPU, against about 6% for
///   SQLite's automatic checkpoint on the writer;
/// - past `backstopFrames` the writer checkpoints itself, as SQLite's automatic
///   checkpoint would. Only the writer can catch up with its own latest commit,
///   which lets its next transaction restart the WAL from the beginning; the
///   background passes leave it little to copy. Without such a catch-up the WAL
///   grew to 741 MiB during a 200k-delivery drain.
///
/// Measured during the ingest benchmark (perf, DWARF stacks): SQLite's automatic
/// checkpoint (every commit past 1,000 frames) took 17.5% of the writer thread's
/// CPU, on a writer busy 93% of the wall time; with this policy all checkpointing
/// takes 2.6% of the hub's CPU, and the writer does none of it below the backstop.
final class SQLiteCheckpointer: Sendable {
    private let queue = DispatchQueue(label: "inkbridge.sqlite.checkpoint", qos: .utility)
    // Set up in init, cancelled in stop.
    nonisolated(unsafe) private let timer: any DispatchSourceTimer
    // Used only on `queue`.
    nonisolated(unsafe) private let connection: SQLiteConnection
    /// A pass is queued and has not started yet.
    private let scheduled = Atomic<Bool>(false)
    private let stopped = Atomic<Bool>(false)
    /// WAL size (frames) at which the writer next wakes this thread; used only by the writer's hook.
    nonisolated(unsafe) private var nextNudge: Int32
    let nudgeFrames: Int32
    let backstopFrames: Int32

    init(path: String, interval: Double = 0.25, nudgeFrames: Int32, backstopFrames: Int32) throws(StoreError) {
        connection = try SQLiteConnection(path: path)
        // A connection checkpoints only once it has opened the WAL, which its first read does:
        // SQLite 3.40 (Debian 12) returns from a checkpoint on a connection that never read at
        // once, having copied nothing.
        try connection.execute("SELECT count(*) FROM sqlite_master")
        self.nudgeFrames = nudgeFrames
        self.backstopFrames = backstopFrames
        self.nextNudge = nudgeFrames
        timer = DispatchSource.makeTimerSource(queue: queue)
        timer.schedule(deadline: .now() + interval, repeating: interval)
        timer.setEventHandler { [weak self] in self?.checkpoint() }
        timer.resume()
    }

    /// Installs the WAL hook on the writer's connection. Call before its first write.
    func attach(to writer: SQLiteConnection) {
        writer.walHookContext = self
        sqlite3_wal_hook(writer.handle, { context, db, name, frames in
            guard let context else { return SQLITE_OK }
            let checkpointer = Unmanaged<SQLiteCheckpointer>.fromOpaque(context).takeUnretainedValue()
            checkpointer.walCommitted(frames: frames, db: db, name: name)
            return SQLITE_OK
        }, Unmanaged.passUnretained(self).toOpaque())
    }

    /// The WAL hook's logic, on the writer's queue after each commit.
    private func walCommitted(frames: Int32, db: OpaquePointer?, name: UnsafePointer<CChar>?) {
        if frames < nextNudge - nudgeFrames { nextNudge = nudgeFrames }  // the WAL restarted
        if frames >= backstopFrames {
            // Right after the writer's commit, as SQLite's automatic checkpoint does.
            _ = sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, nil, nil)
        } else if frames >= nextNudge {
            nextNudge = frames + nudgeFrames
            nudge()
        }
    }

    /// Queues a pass unless one is already waiting. Never blocks (the writer calls it).
    private func nudge() {
        guard !stopped.load(ordering: .relaxed),
              !scheduled.exchange(true, ordering: .acquiringAndReleasing) else { return }
        queue.async {
            // Cleared before the pass: a commit during it queues the next one.
            self.scheduled.store(false, ordering: .releasing)
            self.checkpoint()
        }
    }

    /// Returns once every pass queued before the call has run.
    func settle() { queue.sync {} }

    /// Stops the timer and runs a last checkpoint.
    func stop() {
        stopped.store(true, ordering: .relaxed)
        timer.cancel()
        queue.sync { checkpoint() }
    }

    /// Runs on `queue`.
    private func checkpoint() {
        _ = sqlite3_wal_checkpoint_v2(connection.handle, nil, SQLITE_CHECKPOINT_PASSIVE, nil, nil)
    }
}
