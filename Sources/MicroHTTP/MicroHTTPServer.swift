/// An HTTP/1.1 server over libmicrohttpd. (Interface fixed; implementation pending.)
public final class MicroHTTPServer: Sendable {
    public typealias Handler = @Sendable (HTTPServerRequest) async -> HTTPServerResponse

    /// Starts listening on `host:port` (port 0: the OS picks one; read `port`).
    public init(host: String = "127.0.0.1", port: UInt16 = 0, limits: HTTPServerLimits = HTTPServerLimits(), handler: @escaping Handler) throws {
        fatalError("MicroHTTPServer is not implemented yet")
    }

    /// The port actually bound.
    public var port: UInt16 { 0 }

    /// Stops accepting, lets requests in progress finish (bounded), and releases the daemon.
    public func stop() {}
}
