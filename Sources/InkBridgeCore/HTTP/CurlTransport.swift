/// The libcurl client (multi interface, one I/O thread). Interface fixed; implementation pending.
public final class CurlTransport: HTTPTransport {
    public init(maxTotalConnections: Int = 256) {
        fatalError("CurlTransport is not implemented yet")
    }

    public func send(_ request: HTTPRequest) async throws(HTTPTransportError) -> HTTPResponse {
        throw HTTPTransportError(.other, "not implemented")
    }

    /// Stops the I/O thread after failing every transfer still running.
    public func shutdown() {}
}
