import CCurl
import Foundation
import Synchronization

/// The libcurl client: the multi interface on dedicated I/O threads
/// (`CurlMultiLoop`, one per CPU up to two), easy handles pooled so
/// kept-alive connections are reused across requests. A request goes to the
/// loop with the fewest requests running (the first on a tie), so requests
/// made one after another share one loop and its kept-alive connections,
/// and concurrent ones spread over both CPUs (a single loop thread was the
/// hub's busiest thread, about half its CPU, in a drain).
///
/// Beyond `HTTPTransport`'s guarantees: redirects come back as the 3xx they
/// are; only http and https; environment proxies are ignored (the address
/// guard must see the real peer); curl adds no `Expect` and no `Accept` of
/// its own (except on SigV4 requests, see `CurlTransfer.configureHeaders`);
/// cancelling the calling task stops its transfer (best effort) with an
/// `.other` error.
public final class CurlTransport: HTTPTransport {
    private let loops: [CurlMultiLoop]

    /// `maxTotalConnections` caps open connections across all hosts; more
    /// concurrent requests wait inside curl for a free one (the wait counts
    /// against their `timeout`).
    public init(maxTotalConnections: Int = 256, ioThreads: Int? = nil) {
        precondition(maxTotalConnections > 0, "maxTotalConnections must be positive")
        CurlGlobal.initialize()
        let n = max(1, min(ioThreads ?? min(ProcessInfo.processInfo.activeProcessorCount, 2), maxTotalConnections))
        // The cap is shared out, so all loops together never open more than it.
        loops = (0..<n).map { i in
            CurlMultiLoop(maxTotalConnections: maxTotalConnections / n + (i < maxTotalConnections % n ? 1 : 0))
        }
    }

    deinit {
        for loop in loops { loop.shutdown() }
    }

    /// The loop with the fewest requests running; the first one on a tie.
    private func pickLoop() -> CurlMultiLoop {
        var best = loops[0]
        var fewest = best.running.load(ordering: .relaxed)
        for loop in loops.dropFirst() where fewest > 0 {
            let n = loop.running.load(ordering: .relaxed)
            if n < fewest { (best, fewest) = (loop, n) }
        }
        return best
    }

    public func send(_ request: HTTPRequest) async throws(HTTPTransportError) -> HTTPResponse {
        if Task.isCancelled { throw .cancelled }
        let loop = pickLoop()
        loop.running.add(1, ordering: .relaxed)
        defer { loop.running.subtract(1, ordering: .relaxed) }
        let id = loop.makeID()
        let outcome = await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                loop.submit(CurlJob(id: id, request: request, continuation: continuation))
            }
        } onCancel: {
            loop.cancel(id)
        }
        return try outcome.get()
    }

    /// Stops the I/O thread after failing every transfer still running.
    /// Requests sent afterwards fail at once. Idempotent; must not be called
    /// from inside a curl callback.
    public func shutdown() {
        for loop in loops { loop.shutdown() }
    }

    /// Sockets this transport has opened (a reused connection opens none).
    var socketsOpened: Int {
        loops.reduce(0) { $0 + $1.counters.socketsOpened.load(ordering: .relaxed) }
    }

    /// Idle kept-alive sockets taken out of the epoll set because they became ready (the peer closed them).
    var idleSocketsDropped: Int {
        loops.reduce(0) { $0 + $1.counters.idleSocketsDropped.load(ordering: .relaxed) }
    }
}

/// `curl_global_init` must run once before any other libcurl call.
private enum CurlGlobal {
    /// Swift runs a global's initializer exactly once, thread-safely.
    private static let done: Bool = {
        let code = curl_global_init(ib_global_default())
        precondition(code == CURLE_OK, "curl_global_init failed: \(code.rawValue)")
        return true
    }()

    static func initialize() {
        _ = done
    }
}
