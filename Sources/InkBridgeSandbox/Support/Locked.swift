import Synchronization

/// A value behind a lock, in a class so several owners can share it: emulator state that
/// the server's threads and the test both reach, counters a test's tasks update.
public final class Locked<Value: Sendable>: Sendable {
    private let storage: Mutex<Value>

    public init(_ value: Value) { storage = Mutex(value) }

    /// A copy of the value now.
    public var value: Value { storage.withLock { $0 } }

    /// Runs `body` with the value, holding the lock; keep it short and never await in it.
    @discardableResult
    public func withLock<R: Sendable>(_ body: (inout Value) -> R) -> R { storage.withLock { body(&$0) } }
}
