import Foundation

/// The outbound HTTP client every connector uses. The only implementation
/// in production is `CurlTransport` (libcurl multi interface).
///
/// A conformer must guarantee:
/// - TLS certificates are always verified; redirects are never followed.
/// - When `request.guardAddresses` is true and the policy does not allow
///   private addresses, a connection to a loopback, private, link-local or
///   metadata address is refused *after resolution* (the address actually
///   connected to), and the call fails with `HTTPTransportError.Kind.blockedAddress`.
/// - The response body is capped at `request.maxResponseBytes` (bigger fails
///   with `.responseTooLarge`), unless it streams to `responseBodyFile`.
/// - The call never blocks a cooperative thread: the I/O runs elsewhere.
public protocol HTTPTransport: Sendable {
    func send(_ request: HTTPRequest) async throws(HTTPTransportError) -> HTTPResponse
}

public struct HTTPRequest: Sendable {
    public var method: String
    public var url: String
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]?
    /// Upload the body from this file instead of `body` (large archives), streamed, never read whole.
    public var bodyFile: String?
    /// With `bodyFile`: only these bytes of it (one part of a multipart upload).
    public var bodyFileRange: Range<Int64>?
    /// Stream the response body into this file instead of memory (downloads); then
    /// `HTTPResponse.body` is empty and `maxResponseBytes` caps the file's size.
    public var responseBodyFile: String?
    /// Total time for the request, seconds.
    public var timeout: Double
    public var connectTimeout: Double
    public var maxResponseBytes: Int
    /// A tenant-controlled URL: apply the private-address guard unless allowed.
    public var guardAddresses: Bool
    public var allowPrivate: Bool
    /// AWS SigV4 via libcurl (`aws:amz:REGION:SERVICE`), with `userpwd` = `KEY:SECRET`.
    public var awsSigV4: String?
    public var userpwd: String?

    public init(method: String, url: String, headers: [(name: String, value: String)] = [], body: [UInt8]? = nil,
                timeout: Double = 30, connectTimeout: Double = 10, maxResponseBytes: Int = 1 << 20,
                guardAddresses: Bool = true, allowPrivate: Bool = false) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
        self.connectTimeout = connectTimeout
        self.maxResponseBytes = maxResponseBytes
        self.guardAddresses = guardAddresses
        self.allowPrivate = allowPrivate
    }
}

public struct HTTPResponse: Sendable {
    public var status: Int
    /// In arrival order; names as sent by the server.
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]
    /// Seconds from start to the last byte.
    public var duration: Double

    public init(status: Int, headers: [(name: String, value: String)], body: [UInt8], duration: Double) {
        self.status = status
        self.headers = headers
        self.body = body
        self.duration = duration
    }

    /// The first header of that name, compared case-insensitively.
    public func header(_ name: String) -> String? {
        let lower = name.lowercased()
        return headers.first { $0.name.lowercased() == lower }?.value
    }

    public var bodyText: String { String(decoding: body, as: UTF8.self) }
}

public struct HTTPTransportError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        case timeout
        case connectFailed = "connect_failed"
        case blockedAddress = "blocked_address"
        case tls
        case responseTooLarge = "response_too_large"
        case invalidURL = "invalid_url"
        case io
        case other
    }

    public let kind: Kind
    public let message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { "\(kind.rawValue): \(message)" }
}
