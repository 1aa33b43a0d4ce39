import Foundation
import InkBridgeCore

/// One request a ticketing emulator received, as the real system would have seen it.
public struct TicketingRecordedRequest: Sendable {
    public let method: String
    /// Percent-decoded, without the query.
    public let path: String
    public let query: [(name: String, value: String)]
    public let headers: [(name: String, value: String)]
    public let body: [UInt8]

    public func header(_ name: String) -> String? {
        let lower = name.lowercased()
        return headers.first { $0.name.lowercased() == lower }?.value
    }

    public func queryValue(_ name: String) -> String? { query.first { $0.name == name }?.value }
    public var bodyText: String { String(decoding: body, as: UTF8.self) }
    public var bodyJSON: JSON? { try? JSONParser.parse(body) }
    /// `PUT /api/v2/organizations/361.json`: for assertions on order.
    public var line: String { "\(method) \(path)" }
}

/// The requests an emulator received, in arrival order; the server's threads append while a test reads.
public final class TicketingRequestLog: @unchecked Sendable {
    private let lock = NSLock()
    /// Guarded by `lock`.
    private var items: [TicketingRecordedRequest] = []

    public init() {}

    func append(_ request: TicketingRecordedRequest) { lock.withLock { items.append(request) } }

    public var all: [TicketingRecordedRequest] { lock.withLock { items } }
    public var count: Int { lock.withLock { items.count } }

    /// Requests with this method (any when nil) whose decoded path starts with `pathPrefix`.
    public func matching(method: String? = nil, pathPrefix: String = "") -> [TicketingRecordedRequest] {
        all.filter { (method == nil || $0.method == method) && $0.path.hasPrefix(pathPrefix) }
    }

    /// Requests that change something (anything but GET, and not searches).
    public var writes: [TicketingRecordedRequest] { all.filter { $0.method != "GET" && !$0.path.hasSuffix("/search/jql") } }

    public func removeAll() { lock.withLock { items.removeAll() } }
}
