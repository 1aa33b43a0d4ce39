import Foundation
import InkBridgeCore
import MicroHTTP

/// One request a local server received, exactly as the external system would have seen
/// it: what tests assert on (what reached the system, in which order, with which headers
/// and body).
public struct CapturedRequest: Sendable {
    public let method: String
    /// The path as sent (percent-encoding untouched), without the query.
    public let path: String
    /// Query parameters in order, values decoded.
    public let query: [(name: String, value: String)]
    public let headers: [(name: String, value: String)]
    public let body: [UInt8]
    /// When the server received it.
    public let time: Date

    public init(_ request: HTTPServerRequest, time: Date = Date()) {
        method = request.method
        path = request.path
        query = request.query
        headers = request.headers
        body = request.body
        self.time = time
    }

    /// `path` percent-decoded: what the ticketing emulators route on, as the real APIs do.
    public var decodedPath: String { path.removingPercentEncoding ?? path }

    /// The first header of that name, compared case-insensitively.
    public func header(_ name: String) -> String? {
        let lower = name.lowercased()
        return headers.first { $0.name.lowercased() == lower }?.value
    }

    /// The first query parameter of that name.
    public func queryValue(_ name: String) -> String? { query.first { $0.name == name }?.value }

    public var bodyText: String { String(decoding: body, as: UTF8.self) }

    /// The body parsed as JSON, nil when it is not JSON.
    public var bodyJSON: JSON? { try? JSONParser.parse(body) }

    /// `PUT /api/v2/organizations/361.json`: for assertions on order.
    public var line: String { "\(method) \(path)" }
}
