import Foundation
import MicroHTTP
import Synchronization

/// An S3 endpoint that only fails: every request answers the configured
/// status with S3's XML error document (e.g. 503 `SlowDown` with
/// `Retry-After`). moto 5 has no fault injection for S3, so the throttling
/// path is tested against this instead; all other S3 behaviour is tested
/// against moto itself.
public final class S3FaultServer: Sendable {
    public struct Fault: Sendable {
        public var status: Int
        public var code: String
        public var message: String
        public var retryAfter: String?

        public init(status: Int, code: String, message: String, retryAfter: String? = nil) {
            self.status = status
            self.code = code
            self.message = message
            self.retryAfter = retryAfter
        }

        public static let slowDown = Fault(status: 503, code: "SlowDown", message: "Please reduce your request rate.", retryAfter: "2")
    }

    private let log: CapturedRequestLog
    private let fault: Fault
    private let server: Mutex<MicroHTTPServer?>
    public let port: UInt16

    public init(fault: Fault) throws {
        let log = CapturedRequestLog()
        var limits = HTTPServerLimits()
        limits.maxBodyBytes = 64 << 20
        let server = try MicroHTTPServer(host: "127.0.0.1", port: 0, limits: limits) { [log] request in
            log.append(request)
            let xml = """
                <?xml version="1.0" encoding="UTF-8"?>
                <Error><Code>\(fault.code)</Code><Message>\(fault.message)</Message><RequestId>fault-0001</RequestId></Error>
                """
            var headers: [(name: String, value: String)] = [("Content-Type", "application/xml")]
            if let after = fault.retryAfter { headers.append(("Retry-After", after)) }
            return HTTPServerResponse(status: fault.status, headers: headers, body: request.method == "HEAD" ? [] : Array(xml.utf8))
        }
        self.log = log
        self.fault = fault
        self.server = Mutex(server)
        port = server.port
    }

    /// `http://127.0.0.1:PORT`, an endpoint for path-style S3 settings.
    public var endpoint: String { "http://127.0.0.1:\(port)" }

    /// What the server was asked, in arrival order.
    public var requests: [CapturedRequest] { log.all }

    public func stop() {
        let s = server.withLock { s -> MicroHTTPServer? in defer { s = nil }; return s }
        s?.stop()
    }

    deinit { stop() }
}
