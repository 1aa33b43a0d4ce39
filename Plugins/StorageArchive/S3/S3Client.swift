import Foundation
import InkBridgeCore

/// A minimal S3 REST client for one bucket: builds the URL (path-style or
/// virtual-hosted), signs with SigV4 and sends through the hub's transport.
/// It knows nothing about archiving; `S3ArchiveConnector` decides what to send.
struct S3Client: Sendable {
    /// One S3 call. The payload is `body`, or a file (range) streamed from disk.
    struct Call: Sendable {
        var method: String
        /// The object key; nil addresses the bucket itself.
        var key: String?
        var query: [(name: String, value: String)] = []
        var headers: [(name: String, value: String)] = []
        var body: [UInt8]?
        var bodyFile: String?
        var bodyFileRange: Range<Int64>?
        /// Hex SHA-256 of the payload, sent as `x-amz-content-sha256` and signed.
        var payloadHash: String = SigV4Signer.emptyPayloadHash
        var timeout: Double?
        /// Stream the answer to this file (reading an object back); else it is capped at `maxResponseBytes`.
        var responseBodyFile: String?
        var maxResponseBytes = 1 << 20

        init(method: String, key: String?) {
            self.method = method
            self.key = key
        }
    }

    let http: any HTTPTransport
    let signer: SigV4Signer
    let bucket: String
    let endpoint: S3Endpoint
    let pathStyle: Bool
    let network: NetworkPolicy
    let timeout: Double
    let connectTimeout: Double
    let clock: any HubClock

    /// `s3://bucket/key`, for messages.
    func describe(_ key: String?) -> String { "s3://\(bucket)/\(key ?? "")" }

    var host: String { pathStyle ? endpoint.hostHeader : "\(bucket).\(endpoint.hostHeader)" }

    /// The encoded path: `/bucket/key` (path-style) or `/key` (virtual-hosted).
    func path(for key: String?) -> String {
        let encodedKey = key.map { AWSURIEncoding.encode($0, keepSlash: true) }
        if pathStyle { return "/\(bucket)" + (encodedKey.map { "/" + $0 } ?? "") }
        return "/" + (encodedKey ?? "")
    }

    func url(for call: Call) -> String {
        let query = AWSURIEncoding.queryString(call.query)
        return "\(endpoint.scheme)://\(host)\(path(for: call.key))" + (query.isEmpty ? "" : "?" + query)
    }

    func send(_ call: Call) async throws(HTTPTransportError) -> HTTPResponse {
        let amzDate = SigV4Signer.amzDate(clock.now())
        var headers: [(name: String, value: String)] = [
            ("Host", host),
            ("x-amz-date", amzDate),
            ("x-amz-content-sha256", call.payloadHash),
        ]
        if let token = signer.credentials.sessionToken { headers.append(("x-amz-security-token", token)) }
        headers.append(contentsOf: call.headers)
        let signature = signer.sign(method: call.method, path: path(for: call.key), query: call.query,
                                    headers: headers, payloadHash: call.payloadHash, amzDate: amzDate)
        headers.append(("Authorization", signature.authorization))

        // A HEAD answer has no body but a Content-Length of the whole object, which
        // libcurl checks against the size cap: no cap (0 = no body bytes accepted) for HEAD.
        let cap = call.method == "HEAD" ? 0 : call.maxResponseBytes
        var request = HTTPRequest(method: call.method, url: url(for: call), headers: headers, body: call.body,
                                  timeout: call.timeout ?? timeout, connectTimeout: connectTimeout,
                                  maxResponseBytes: cap, guardAddresses: true, allowPrivate: network.allowPrivate)
        request.bodyFile = call.bodyFile
        request.bodyFileRange = call.bodyFileRange
        request.responseBodyFile = call.responseBodyFile
        return try await http.send(request)
    }
}
