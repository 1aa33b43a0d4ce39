import CCurl
import Synchronization

/// The libcurl client: the multi interface on one dedicated I/O thread
/// (`CurlMultiLoop`), easy handles pooled so kept-alive connections are
/// reused across requests.
///
/// Beyond `HTTPTransport`'s guarantees: redirects come back as the 3xx they
/// are; only http and https; environment proxies are ignored (the address
/// guard must see the real peer); curl adds no `Expect` and no `Accept` of
/// its own (except on SigV4 requests, see `CurlTransfer.configureHeaders`);
/// cancelling the calling task stops its transfer (best effort) with an
/// `.other` error.
public final class CurlTransport: HTTPTransport {
    private let loop: CurlMultiLoop

    /// `maxTotalConnections` caps open connections across all hosts; more
    /// concurrent requests wait inside curl for a free one.
    public init(maxTotalConnections: Int = 256) {
        precondition(maxTotalConnections > 0, "maxTotalConnections must be positive")
        CurlGlobal.initialize()
        loop = CurlMultiLoop(maxTotalConnections: maxTotalConnections)
    }

    deinit {
        loop.shutdown()
    }

    public func send(_ request: HTTPRequest) async throws(HTTPTransportError) -> HTTPResponse {
        if Task.isCancelled { throw .cancelled }
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
        loop.shutdown()
    }

    /// Sockets this transport has opened (a reused connection opens none).
    var socketsOpened: Int {
        loop.counters.socketsOpened.load(ordering: .relaxed)
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
