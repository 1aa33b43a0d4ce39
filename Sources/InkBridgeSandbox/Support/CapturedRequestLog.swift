import Foundation
import MicroHTTP
import Synchronization

/// The requests a local server (an emulator, `RecordingServer`) received, in arrival
/// order. Thread-safe: the server's threads append while a test reads.
public final class CapturedRequestLog: Sendable {
    private let items = Mutex<[CapturedRequest]>([])

    public init() {}

    /// Records `request` as received now; answers what was recorded.
    @discardableResult
    public func append(_ request: HTTPServerRequest) -> CapturedRequest {
        let captured = CapturedRequest(request)
        items.withLock { $0.append(captured) }
        return captured
    }

    /// Every request so far, in arrival order.
    public var all: [CapturedRequest] { items.withLock { $0 } }

    public var count: Int { items.withLock { $0.count } }

    /// The requests with this method (any when nil) whose path starts with `pathPrefix`.
    public func matching(method: String? = nil, pathPrefix: String = "") -> [CapturedRequest] {
        all.filter { (method == nil || $0.method == method) && $0.path.hasPrefix(pathPrefix) }
    }

    /// Requests that change something: anything but GET, and not Jira's search (a POST that reads).
    public var writes: [CapturedRequest] { all.filter { $0.method != "GET" && !$0.path.hasSuffix("/search/jql") } }

    public func removeAll() { items.withLock { $0.removeAll() } }
}
