import Dispatch
import Foundation

/// Turns SIGTERM and SIGINT into one awaitable event.
final class ShutdownSignal {
    private let sources: [any DispatchSourceSignal]
    private let signal = AsyncStream<Int32>.makeStream()

    init() {
        var sources: [any DispatchSourceSignal] = []
        for sig in [SIGTERM, SIGINT] {
            Foundation.signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            let continuation = signal.continuation
            source.setEventHandler { continuation.yield(sig) }
            source.resume()
            sources.append(source)
        }
        self.sources = sources
    }

    /// Returns when the first signal arrives.
    func wait() async -> Int32 {
        for await s in signal.stream { return s }
        return SIGTERM
    }
}
