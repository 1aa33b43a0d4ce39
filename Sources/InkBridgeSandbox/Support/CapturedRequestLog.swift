import Foundation
import InkBridgeCore
import MicroHTTP
import Synchronization

/// One request an emulator received, exactly as the external system would
/// have seen it: what tests assert on.
public struct CapturedRequest: Sendable {
    public let method: String
    /// The path as sent (percent-encoding untouched), without the query.
    public let path: String
    public let query: [(name: String, value: String)]
    public let headers: [(name: String, value: String)]
    public let body: [UInt8]
    /// When the emulator received it.
    public let time: Date

    init(_ request: HTTPServerRequest, time: Date) {
        method = request.method
        path = request.path
        query = request.query
        headers = request.headers
        body = request.body
        self.time = time
    }

    /// The first header of that name, compared case-insensitively.
    public func header(_ name: String) -> String? {
        let lower = name.lowercased()
        return headers.first { $0.name.lowercased() == lower }?.value
    }

    public var bodyText: String { String(decoding: body, as: UTF8.self) }

    /// The body parsed as JSON, nil when it is not JSON.
    public var bodyJSON: JSON? { try? JSONParser.parse(body) }
}

/// The requests an emulator received, in arrival order. Thread-safe: the
/// server's threads append while a test reads.
public final class CapturedRequestLog: Sendable {
    private let items = Mutex<[CapturedRequest]>([])

    public init() {}

    func append(_ request: HTTPServerRequest) {
        let captured = CapturedRequest(request, time: Date())
        items.withLock { $0.append(captured) }
    }

    /// Every request so far, in arrival order.
    public var all: [CapturedRequest] { items.withLock { $0 } }

    public var count: Int { items.withLock { $0.count } }

    /// The requests with this method (any when nil) whose path starts with `pathPrefix`.
    public func matching(method: String? = nil, pathPrefix: String = "") -> [CapturedRequest] {
        all.filter { (method == nil || $0.method == method) && $0.path.hasPrefix(pathPrefix) }
    }

    public func removeAll() { items.withLock { $0.removeAll() } }
}
