import Dispatch

/// Runs blocking file work (hashing, copying, fsync) on a Dispatch queue,
/// off Swift's cooperative pool, so a 100 MiB hash or a slow disk never holds a
/// thread that other tenants' deliveries need.
enum BlockingIO {
    private static let queue = DispatchQueue(label: "inkbridge.storage.blocking-io", attributes: .concurrent)

    static func run<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            queue.async { continuation.resume(returning: work()) }
        }
    }
}
