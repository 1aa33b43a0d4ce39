import Synchronization

/// Wakes one waiting loop: `signal()` before `wait` is remembered, so a
/// wake-up between a check and the wait is never lost.
final class WakeSignal: Sendable {
    private struct State {
        var pending = false
        var waiter: CheckedContinuation<Void, Never>?
        var generation = 0
    }

    /// The pending flag and the one waiter's continuation.
    private let state = Mutex(State())

    func signal() {
        let waiter = state.withLock { s -> CheckedContinuation<Void, Never>? in
            if let w = s.waiter {
                s.waiter = nil
                return w
            }
            s.pending = true
            return nil
        }
        waiter?.resume()
    }

    /// Returns on a signal or after `timeout` seconds, whichever comes first.
    func wait(timeout: Double) async {
        await withCheckedContinuation { (cont: CheckedContinuation<Void, Never>) in
            let generation = state.withLock { s -> Int? in
                if s.pending {
                    s.pending = false
                    return nil
                }
                s.generation += 1
                s.waiter = cont
                return s.generation
            }
            guard let generation else { return cont.resume() }
            Task { [weak self] in
                try? await Task.sleep(nanoseconds: UInt64(max(0.0005, timeout) * 1e9))
                self?.timeOut(generation: generation)
            }
        }
    }

    private func timeOut(generation: Int) {
        let waiter = state.withLock { s -> CheckedContinuation<Void, Never>? in
            guard s.generation == generation, let w = s.waiter else { return nil }
            s.waiter = nil
            return w
        }
        waiter?.resume()
    }
}
