import Synchronization

/// Batches the dispatcher's attempt records: completions that arrive while a
/// batch is being committed wait and go together in the next one, so one
/// store write (and one fsync, shared with concurrent ingests) records many
/// attempts. Each caller resumes only after the commit holding its record.
final class CompletionQueue: Sendable {
    private struct Waiting {
        let completion: DeliveryCompletion
        let continuation: CheckedContinuation<Result<DeliveryState, StoreError>, Never>
    }

    private let store: any EventStore
    private let clock: any HubClock
    private let maxBatch: Int
    /// Completions not yet handed to the store, and whether a flush loop runs.
    private let state = Mutex<(waiting: [Waiting], flushing: Bool)>(([], false))

    init(store: any EventStore, clock: any HubClock, maxBatch: Int = 1000) {
        self.store = store
        self.clock = clock
        self.maxBatch = maxBatch
    }

    /// Records one completion; answers the delivery's resulting state once committed.
    func record(_ completion: DeliveryCompletion) async -> Result<DeliveryState, StoreError> {
        await withCheckedContinuation { cont in
            let startFlush = state.withLock { s -> Bool in
                s.waiting.append(Waiting(completion: completion, continuation: cont))
                if s.flushing { return false }
                s.flushing = true
                return true
            }
            if startFlush { Task { await self.flush() } }
        }
    }

    private func flush() async {
        while true {
            let batch: [Waiting] = state.withLock { s in
                if s.waiting.isEmpty {
                    s.flushing = false
                    return []
                }
                let take = Array(s.waiting.prefix(maxBatch))
                s.waiting.removeFirst(take.count)
                return take
            }
            if batch.isEmpty { return }
            do {
                let states = try await store.complete(batch.map(\.completion), now: clock.now())
                for (w, st) in zip(batch, states) { w.continuation.resume(returning: .success(st)) }
            } catch {
                for w in batch { w.continuation.resume(returning: .failure(error)) }
            }
        }
    }
}
