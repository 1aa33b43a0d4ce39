/// Why a `MicroHTTPServer` could not start.
public struct MicroHTTPServerError: Error, Sendable, CustomStringConvertible {
    public enum Code: Sendable {
        /// The host is not an IPv4 or IPv6 literal (nor "localhost").
        case invalidHost
        /// libmicrohttpd refused to start (typically: the port is in use).
        case startFailed
    }

    public let code: Code
    public let host: String
    public let port: UInt16

    public var description: String {
        switch code {
        case .invalidHost: return "cannot listen on \(host): not an IP address"
        case .startFailed: return "cannot listen on \(host):\(port) (address in use or not available)"
        }
    }
}
