import Foundation
import InkBridgeCore
import MicroHTTP

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

/// An answer an emulator gives instead of handling the next request(s): rate limits, outages.
public struct TicketingFault: Sendable {
    public var status: Int
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]
    /// Only requests whose decoded path starts with this fail (nil: any request).
    public var pathPrefix: String?

    public init(status: Int, headers: [(name: String, value: String)] = [], body: [UInt8] = [], pathPrefix: String? = nil) {
        self.status = status
        self.headers = headers
        self.body = body
        self.pathPrefix = pathPrefix
    }
}

/// A value behind a lock, for emulator state the server's threads and the test share.
final class TicketingLocked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    /// Guarded by `lock`.
    private var value: Value

    init(_ value: Value) { self.value = value }

    func withLock<R>(_ body: (inout Value) throws -> R) rethrows -> R {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}

/// The parts every ticketing emulator shares: logging, queued faults, decoding.
struct TicketingEmulatorCore: Sendable {
    let log: TicketingRequestLog
    let faults = TicketingLocked<[TicketingFault]>([])

    /// Records the request and answers a queued fault when one applies to it.
    func intercept(_ request: HTTPServerRequest) -> (TicketingRecordedRequest, HTTPServerResponse?) {
        let recorded = TicketingRecordedRequest(method: request.method, path: Self.decode(request.path), query: request.query,
                                                headers: request.headers, body: request.body)
        log.append(recorded)
        let fault = faults.withLock { queue -> TicketingFault? in
            guard let i = queue.firstIndex(where: { $0.pathPrefix.map { recorded.path.hasPrefix($0) } ?? true }) else { return nil }
            return queue.remove(at: i)
        }
        return (recorded, fault.map { HTTPServerResponse(status: $0.status, headers: $0.headers, body: $0.body) })
    }

    func enqueue(_ fault: TicketingFault, count: Int) {
        faults.withLock { $0 += Array(repeating: fault, count: count) }
    }

    static func decode(_ path: String) -> String { path.removingPercentEncoding ?? path }

    /// `Basic base64(user:password)` → (user, password).
    static func basicCredentials(_ request: TicketingRecordedRequest) -> (user: String, password: String)? {
        guard let header = request.header("Authorization"), header.hasPrefix("Basic "),
              let data = Data(base64Encoded: String(header.dropFirst(6))),
              let text = String(data: data, encoding: .utf8), let colon = text.firstIndex(of: ":") else { return nil }
        return (String(text[..<colon]), String(text[text.index(after: colon)...]))
    }

    static func bearer(_ request: TicketingRecordedRequest) -> String? {
        guard let header = request.header("Authorization"), header.hasPrefix("Bearer ") else { return nil }
        return String(header.dropFirst(7))
    }

    /// The origin a client used to reach the emulator, for absolute URLs in answers (`links.next`).
    static func origin(_ request: TicketingRecordedRequest) -> String {
        "http://" + (request.header("Host") ?? "127.0.0.1")
    }

    static func json(_ status: Int, _ body: JSON, headers: [(name: String, value: String)] = []) -> HTTPServerResponse {
        .json(status, body.serialized(), headers: headers)
    }

    /// `application/x-www-form-urlencoded` fields (`+` is a space there).
    static func formFields(_ body: [UInt8]) -> [String: String] {
        var out: [String: String] = [:]
        for pair in String(decoding: body, as: UTF8.self).split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map { String($0).replacingOccurrences(of: "+", with: " ") }
            guard let name = parts.first?.removingPercentEncoding else { continue }
            out[name] = parts.count > 1 ? (parts[1].removingPercentEncoding ?? parts[1]) : ""
        }
        return out
    }

    /// An opaque page cursor, the way real APIs hand them out: the position, base64-encoded.
    static func cursor(_ position: Int) -> String { Data("p\(position)".utf8).base64EncodedString() }

    static func position(ofCursor cursor: String) -> Int? {
        guard let data = Data(base64Encoded: cursor), let text = String(data: data, encoding: .utf8), text.hasPrefix("p") else { return nil }
        return Int(text.dropFirst())
    }
}
