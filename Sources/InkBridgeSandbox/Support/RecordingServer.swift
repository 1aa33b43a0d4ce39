import MicroHTTP

/// A real local HTTP server (127.0.0.1, port chosen by the OS) that answers with the test's
/// handler and records every request as its handler starts, for tests of HTTP clients.
///
/// ```swift
/// let server = try RecordingServer { _ in .text(200, "ok") }
/// defer { server.stop() }
/// // send to server.baseURL + "/path", then:
/// server.requests.first?.header("Authorization")
/// ```
public final class RecordingServer: Sendable {
    private let server: MicroHTTPServer
    private let log: CapturedRequestLog

    public init(limits: HTTPServerLimits = HTTPServerLimits(),
                _ respond: @escaping @Sendable (HTTPServerRequest) async -> HTTPServerResponse) throws {
        let log = CapturedRequestLog()
        self.log = log
        server = try MicroHTTPServer(limits: limits) { request in
            log.append(request)
            return await respond(request)
        }
    }

    public var port: UInt16 { server.port }
    /// `http://127.0.0.1:PORT`, no trailing slash.
    public var baseURL: String { "http://127.0.0.1:\(server.port)" }
    /// Every request so far, in arrival order.
    public var requests: [CapturedRequest] { log.all }
    public var requestCount: Int { log.count }

    public func stop() { server.stop() }
}
