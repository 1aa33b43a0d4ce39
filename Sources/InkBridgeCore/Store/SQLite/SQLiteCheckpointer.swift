import CSQLite
import Dispatch
import Foundation

/// Moves WAL frames into the database file from a connection and a thread of
/// its own, so the writer's own automatic checkpoints find little left to copy.
/// PASSIVE checkpoints never block the writer or readers.
final class SQLiteCheckpointer: Sendable {
    private let queue = DispatchQueue(label: "inkbridge.sqlite.checkpoint", qos: .utility)
    // Set up in init, cancelled in stop.
    nonisolated(unsafe) private let timer: any DispatchSourceTimer
    // Used only on `queue`.
    nonisolated(unsafe) private let connection: SQLiteConnection

    init(path: String, interval: Double = 0.25) throws(StoreError) {
        connection = try SQLiteConnection(path: path)
        timer = DispatchSource.makeTimerSource(queue: queue)
        timer.schedule(deadline: .now() + interval, repeating: interval)
        timer.setEventHandler { [weak self] in self?.checkpoint() }
        timer.resume()
    }

    /// Stops the timer and runs a last checkpoint.
    func stop() {
        timer.cancel()
        queue.sync { checkpoint() }
    }

    /// Runs on `queue`.
    private func checkpoint() {
        _ = sqlite3_wal_checkpoint_v2(connection.handle, nil, SQLITE_CHECKPOINT_PASSIVE, nil, nil)
    }
}
