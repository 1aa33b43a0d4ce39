import Dispatch
import Synchronization

/// Runs async work from the synchronous harness and waits for it. The harness
/// drives everything from the main thread, which is not one of Swift's pool
/// threads, so blocking it here never starves the work it waits for.
func blockingAwait<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
    let box = ResultBox<T>()
    let done = DispatchSemaphore(value: 0)
    Task {
        let r: Result<T, any Error>
        do { r = .success(try await body()) } catch { r = .failure(error) }
        box.value.withLock { $0 = r }
        done.signal()
    }
    done.wait()
    return try box.value.withLock { $0! }.get()
}

/// The hand-over slot of `blockingAwait`: written once by the task, read after the semaphore.
private final class ResultBox<T: Sendable>: Sendable {
    let value = Mutex<Result<T, any Error>?>(nil)
}
