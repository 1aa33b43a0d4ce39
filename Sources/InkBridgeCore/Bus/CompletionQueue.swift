import Foundation
import Synchronization

/// Batches the dispatcher's attempt records: completions queue up while a
/// batch is being committed and go together in the next one, so one store
/// write records many attempts. The dispatcher does not wait for the commit
/// to free a delivery's slot; `onCommitted` tells it when the lanes of a batch
/// may have a new head to claim.
///
/// A batch smaller than `minBatch` lingers `linger` before it is written, so
/// that more join it (Kafka's `linger.ms`). Written as soon as the writer was
/// free, batches held about 25 completions during a 200,000-delivery drain:
/// 8,900 transactions writing 84,000 WAL frames. Lingering 2 ms made them
/// about 110: 3,100 transactions, 51,000 frames, and about 8% less hub CPU
/// per delivery. The cost is up to 2 ms more before an attempt shows in the
/// store and before the next delivery of the same contract may start.
final class CompletionQueue: Sendable {
    typealias Committed = @Sendable (_ connectors: Set<ConnectorKey>, _ seconds: Double) -> Void

    private let store: any EventStore
    private let clock: any HubClock
    private let maxBatch: Int
    private let minBatch: Int
    private let linger: Duration
    /// Set once by the owner right after it is built (it needs the owner itself). The
    /// closure sits in a class: kept directly in the Mutex's generic storage, each read
    /// through the inout wrapped it in two more reabstraction thunks, a chain that grew
    /// with every batch (seen as 11% of the hub's CPU in a drain profile).
    private final class Handler: Sendable {
        let call: Committed
        init(_ call: @escaping Committed) { self.call = call }
    }

    private let onCommitted = Mutex<Handler?>(nil)
    /// Completions not yet written, whether a flush loop runs, and who waits for the queue to empty.
    private let state = Mutex<(waiting: [(DeliveryCompletion, ConnectorKey)], flushing: Bool, drained: [CheckedContinuation<Void, Never>])>(([], false, []))

    init(store: any EventStore, clock: any HubClock, maxBatch: Int = 1000, minBatch: Int = 128, linger: Duration = .milliseconds(2)) {
        self.store = store
        self.clock = clock
        self.maxBatch = maxBatch
        self.minBatch = minBatch
        self.linger = linger
    }

    func setOnCommitted(_ handler: @escaping Committed) {
        let box = Handler(handler)
        onCommitted.withLock { $0 = box }
    }

    func enqueue(_ completion: DeliveryCompletion, connector: ConnectorKey) {
        let startFlush = state.withLock { s -> Bool in
            s.waiting.append((completion, connector))
            if s.flushing { return false }
            s.flushing = true
            return true
        }
        if startFlush { Task { await self.flush() } }
    }

    /// Returns once every completion enqueued so far has been written (or given up on).
    func drained() async {
        await withCheckedContinuation { cont in
            let done = state.withLock { s -> Bool in
                if s.waiting.isEmpty && !s.flushing { return true }
                s.drained.append(cont)
                return false
            }
            if done { cont.resume() }
        }
    }

    private func flush() async {
        while true {
            let queued = state.withLock { $0.waiting.count }
            if linger > .zero && queued > 0 && queued < minBatch {
                try? await Task.sleep(for: linger)
            }
            let batch: [(DeliveryCompletion, ConnectorKey)] = state.withLock { s in
                let take = Array(s.waiting.prefix(maxBatch))
                s.waiting.removeFirst(take.count)
                return take
            }
            if batch.isEmpty {
                let waiters = state.withLock { s -> [CheckedContinuation<Void, Never>]? in
                    // Re-check under the lock: a completion may have arrived since.
                    guard s.waiting.isEmpty else { return nil }
                    s.flushing = false
                    defer { s.drained.removeAll() }
                    return s.drained
                }
                guard let waiters else { continue }
                for w in waiters { w.resume() }
                return
            }
            let started = ContinuousClock.now
            // A failed write is tried again a few times; if the store stays down the deliveries
            // remain in flight in it, and a restart retries them (at least once).
            for _ in 0..<5 {
                do {
                    _ = try await store.complete(batch.map(\.0), now: clock.now())
                    let elapsed = ContinuousClock.now - started
                    let handler = onCommitted.withLock { $0 }
                    handler?.call(Set(batch.map(\.1)), Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
                    break
                } catch {
                    if error.kind == .closed { break }
                }
            }
        }
    }
}
