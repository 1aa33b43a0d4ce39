/// A request as libmicrohttpd parsed it, body fully read (within the server's limits).
public struct HTTPServerRequest: Sendable {
    public var method: String
    /// The path without the query string, percent-decoding left to the handler.
    public var path: String
    /// Query parameters in order, values decoded.
    public var query: [(name: String, value: String)]
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public init(method: String, path: String, query: [(name: String, value: String)] = [], headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
    }

    /// The first header of that name, compared case-insensitively.
    public func header(_ name: String) -> String? {
        headers.first { Self.asciiCaseInsensitiveEqual($0.name, name) }?.value
    }

    /// Header names and media types are ASCII: compared byte by byte, without lowercased copies
    /// (several lookups per request).
    public static func asciiCaseInsensitiveEqual(_ a: String, _ b: String) -> Bool {
        var a = a, b = b
        return a.withUTF8 { x in
            b.withUTF8 { y in
                guard x.count == y.count else { return false }
                for i in 0..<x.count where x[i] != y[i] {
                    let l = x[i] | 0x20
                    guard l == y[i] | 0x20, l >= UInt8(ascii: "a"), l <= UInt8(ascii: "z") else { return false }
                }
                return true
            }
        }
    }

    public func queryValue(_ name: String) -> String? { query.first { $0.name == name }?.value }
}

public struct HTTPServerResponse: Sendable {
    public var status: Int
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public init(status: Int, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    public static func text(_ status: Int, _ text: String) -> HTTPServerResponse {
        HTTPServerResponse(status: status, headers: [("Content-Type", "text/plain; charset=utf-8")], body: Array(text.utf8))
    }

    /// `body` must already be JSON text.
    public static func json(_ status: Int, _ body: [UInt8], headers: [(name: String, value: String)] = []) -> HTTPServerResponse {
        HTTPServerResponse(status: status, headers: [("Content-Type", "application/json")] + headers, body: body)
    }
}

/// Limits enforced by the server while it reads a request.
public struct HTTPServerLimits: Sendable {
    /// A larger body is refused with 413 while it is read, never buffered whole.
    public var maxBodyBytes: Int = 5 << 20
    /// Seconds a connection may stay idle (slow senders are cut off).
    public var connectionTimeout: UInt32 = 10
    public var maxConnections: UInt32 = 1024
    /// Total header bytes per request (libmicrohttpd's per-connection memory); over it: 431.
    /// libmicrohttpd zeroes this memory for every request on a kept-alive connection: at 64 KiB
    /// that memset was about 2.7% of the hub's CPU under ingest load.
    public var connectionMemory: Int = 16 << 10
    public var threads: UInt32 = 2
    /// A request whose body is at most this size starts its handler on the MHD thread that read
    /// it (no thread hand-off before its first suspension); a larger one on Swift's pool, so that
    /// parsing a big batch never holds up the other connections of that thread.
    public var inlineHandlerBodyBytes: Int = 64 << 10
    /// Seconds `stop()` waits for handlers still running; those not done by then are answered 503.
    public var stopGracePeriod: Double = 5

    public init() {}
}
