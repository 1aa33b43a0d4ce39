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
    public var headers: [(name: String, value: String)] {
        get { parsedHeaders ?? Self.parseHeaderBlock(rawHeaders) }
        set {
            parsedHeaders = newValue
            rawHeaders = []
        }
    }
    public var body: [UInt8]
    /// Seconds from start to the last byte.
    public var duration: Double

    /// Headers given as values (`init(status:headers:body:duration:)`), or nil when they are kept
    /// as the lines curl received and parsed only when asked for: most answers (a webhook's
    /// 204) are never asked, and a Swift string per name and value cost about 4,000
    /// instructions per delivery.
    private var parsedHeaders: [(name: String, value: String)]?
    /// The header lines after the last status line, CRLFs included.
    private var rawHeaders: [UInt8] = []

    public init(status: Int, headers: [(name: String, value: String)], body: [UInt8], duration: Double) {
        self.status = status
        self.parsedHeaders = headers
        self.body = body
        self.duration = duration
    }

    /// Headers as received: `Name: value` lines, CRLF-terminated, possibly folded.
    init(status: Int, headerBlock: [UInt8], body: [UInt8], duration: Double) {
        self.status = status
        self.rawHeaders = headerBlock
        self.body = body
        self.duration = duration
    }

    /// The first header of that name, compared case-insensitively.
    public func header(_ name: String) -> String? {
        let lower = name.lowercased()
        return headers.first { $0.name.lowercased() == lower }?.value
    }

    public var bodyText: String { String(decoding: body, as: UTF8.self) }

    /// Splits header lines into names and values: blanks around a value trimmed, a line that
    /// starts with a blank continuing the value before it (obsolete folding, RFC 9112 5.2),
    /// lines without a colon ignored.
    static func parseHeaderBlock(_ block: [UInt8]) -> [(name: String, value: String)] {
        var headers: [(name: String, value: String)] = []
        block.withUnsafeBufferPointer { bytes in
            var start = 0
            while start < bytes.count {
                var end = start
                while end < bytes.count && bytes[end] != 0x0A { end += 1 }
                var line = bytes[start..<end]
                start = end + 1
                while let last = line.last, last == 0x0D || last == 0x0A { line = line.dropLast() }
                if let first = line.first, first == 0x20 || first == 0x09 {
                    if let index = headers.indices.last {
                        headers[index].value += " " + trimmed(line)
                    }
                } else if let colon = line.firstIndex(of: UInt8(ascii: ":")) {
                    headers.append((String(decoding: line[..<colon], as: UTF8.self), trimmed(line[(colon + 1)...])))
                }
            }
        }
        return headers
    }

    private static func trimmed(_ bytes: Slice<UnsafeBufferPointer<UInt8>>) -> String {
        var slice = bytes
        while let first = slice.first, first == 0x20 || first == 0x09 { slice = slice.dropFirst() }
        while let last = slice.last, last == 0x20 || last == 0x09 { slice = slice.dropLast() }
        return String(decoding: slice, as: UTF8.self)
    }
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
