import Foundation
import InkBridgeCore

/// One answer of the API, as a client sees it.
struct APIAnswer: Sendable {
    let status: Int
    let headers: [(name: String, value: String)]
    let body: [UInt8]

    var text: String { String(decoding: body, as: UTF8.self) }
    var json: JSON? { try? JSONParser.parse(body) }
    /// `error.code` of an error answer.
    var errorCode: String? { json?[path: "error.code"]?.stringValue }
    var errorField: String? { json?[path: "error.field"]?.stringValue }
    func header(_ name: String) -> String? { headers.first { $0.name.lowercased() == name.lowercased() }?.value }
}

/// A real HTTP client (libcurl, through the core's `CurlTransport`) for the API on a loopback port.
final class APIClient: Sendable {
    let base: String
    let transport = CurlTransport()

    init(port: UInt16) { base = "http://127.0.0.1:\(port)" }

    deinit { transport.shutdown() }

    /// `key`: sent as `Authorization: Bearer`; `json`: a body sent as application/json unless `contentType` says otherwise.
    func call(_ method: String, _ path: String, key: String? = nil, json: String? = nil, body: [UInt8]? = nil,
              contentType: String? = "application/json", headers: [(name: String, value: String)] = []) async throws -> APIAnswer {
        var h = headers
        if let key { h.append(("Authorization", "Bearer \(key)")) }
        let payload = body ?? json.map { Array($0.utf8) }
        if payload != nil, let contentType { h.append(("Content-Type", contentType)) }
        // Loopback on purpose: this is the test's own server, not a tenant-controlled URL.
        let request = HTTPRequest(method: method, url: base + path, headers: h, body: payload, timeout: 60,
                                  maxResponseBytes: 64 << 20, guardAddresses: false, allowPrivate: true)
        let response = try await transport.send(request)
        return APIAnswer(status: response.status, headers: response.headers, body: response.body)
    }

    func get(_ path: String, key: String?) async throws -> APIAnswer { try await call("GET", path, key: key) }

    func post(_ path: String, key: String?, json: String? = nil) async throws -> APIAnswer {
        try await call("POST", path, key: key, json: json)
    }
}
