import CMicroHTTPD
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An HTTP/1.1 server over libmicrohttpd.
///
/// libmicrohttpd parses and polls (poll(), `limits.threads` threads, keep-alive); the async
/// handler starts on the MHD thread and continues on Swift's pool once it first waits, its
/// connection suspended meanwhile, so a slow handler never holds an MHD thread.
///
/// How the limits behave with libmicrohttpd 0.9.75 (each checked by a test):
/// - body: a `Content-Length` over `maxBodyBytes` is answered 413 at once, body unread,
///   connection closed. A chunked body that passes the cap mid-way cannot be answered
///   mid-way (0.9.75 refuses to queue a response then): the rest is dropped and 413 answered
///   when the body ends; past another cap's worth the connection is closed instead.
/// - headers: more than fit in `connectionMemory` are answered 431 by MHD, then closed.
/// - `connectionTimeout` is an idle timeout: a sender that stalls that long is cut off (one
///   that trickles faster is not).
/// - `maxConnections`: beyond it MHD stops accepting; new connections wait in the kernel's
///   backlog until one closes.
/// - Measured on the 2-core dev machine (wrk, 64 keep-alive connections, 1 KiB POST, 204
///   answer from an async handler): about 36,000-40,000 requests/s; answering inside the MHD
///   thread (no suspend) reached about 42,000, so the async hand-off costs ~10-15 %.
public final class MicroHTTPServer: Sendable {
    public typealias Handler = @Sendable (HTTPServerRequest) async -> HTTPServerResponse

    /// `struct MHD_Daemon *`, unchecked-Sendable: only `stop()` uses it, once, after taking it
    /// out of `daemon`'s lock.
    struct DaemonHandle: @unchecked Sendable { let raw: OpaquePointer }

    let core: ServerCore
    /// The running daemon; nil once stopped. Protects against stopping twice.
    private let daemon: Mutex<DaemonHandle?>

    /// The port actually bound.
    public let port: UInt16

    /// Starts listening on `host:port` (port 0: the OS picks one; read `port`).
    public init(host: String = "127.0.0.1", port: UInt16 = 0, limits: HTTPServerLimits = HTTPServerLimits(), handler: @escaping Handler) throws {
        guard let address = SocketAddress(host: host, port: port) else {
            throw MicroHTTPServerError(code: .invalidHost, host: host, port: port)
        }
        let core = ServerCore(limits: limits, handler: handler)
        guard let started = Self.startDaemon(core: core, address: address, limits: limits) else {
            throw MicroHTTPServerError(code: .startFailed, host: host, port: port)
        }
        self.core = core
        self.daemon = Mutex(DaemonHandle(raw: started))
        self.port = inkbridge_mhd_bind_port(started)
    }

    deinit { stop() }

    /// Stops taking work (new requests are answered 503), lets requests in progress finish (bounded by `limits.stopGracePeriod`;
    /// later ones are answered 503), and releases the daemon. Idempotent. Meant to be called
    /// from outside the handler: called from inside it, it waits out the grace period.
    public func stop() {
        guard let handle = daemon.withLock({ d -> DaemonHandle? in
            defer { d = nil }
            return d
        }) else { return }
        // No MHD_quiesce_daemon: with the (then epoll) thread pool it raced the worker threads'
        // own changes to the epoll set and can abort the process ("Failed to remove listen
        // FD from epoll set", seen once in CI). Connections that arrive while draining are
        // answered 503 instead. Stopping MHD with a suspended connection is undefined:
        // drain resumes every one.
        core.drain()
        MHD_stop_daemon(handle.raw)
    }

    private static func startDaemon(core: ServerCore, address: SocketAddress, limits: HTTPServerLimits) -> OpaquePointer? {
        // poll(), not epoll: with libmicrohttpd 0.9.75's epoll mode, suspended and resumed
        // connections sometimes stopped being read at all (128 keep-alive clients against the
        // ingest API: in 5 of 17 runs every connection ended with an unread request in its
        // socket and both MHD threads idle, 300 instead of 11,000 requests/s); poll mode ran
        // 12 of 12 such runs clean at the same rate, and 256 clients too. poll() costs in
        // proportion to the open connections.
        // TURBO: try reads/writes/accepts before polling (saves a syscall when they succeed).
        var flags = MHD_USE_POLL_INTERNAL_THREAD.rawValue | MHD_ALLOW_SUSPEND_RESUME.rawValue | MHD_USE_TURBO.rawValue
        if address.isIPv6 { flags |= MHD_USE_IPv6.rawValue }
        let cls = Unmanaged.passUnretained(core).toOpaque()
        return address.withSockaddr { sockaddr in
            // Option values with their exact C widths: unsigned int as UInt32, size_t as Int.
            var options: [any CVarArg] = [
                MHD_OPTION.SOCK_ADDR.rawValue, OpaquePointer(sockaddr),
                MHD_OPTION.URI_LOG_CALLBACK.rawValue, unsafeBitCast(MHDCallbacks.uriLog, to: OpaquePointer.self), OpaquePointer(cls),
                MHD_OPTION.NOTIFY_COMPLETED.rawValue, unsafeBitCast(MHDCallbacks.completed, to: OpaquePointer.self), OpaquePointer(cls),
                MHD_OPTION.CONNECTION_TIMEOUT.rawValue, UInt32(limits.connectionTimeout),
                MHD_OPTION.CONNECTION_LIMIT.rawValue, UInt32(limits.maxConnections),
                MHD_OPTION.CONNECTION_MEMORY_LIMIT.rawValue, Int(limits.connectionMemory),
            ]
            if limits.threads > 1 {
                options += [MHD_OPTION.THREAD_POOL_SIZE.rawValue, UInt32(limits.threads)]
            }
            options.append(MHD_OPTION.END.rawValue)
            return withVaList(options) { list in
                MHD_start_daemon_va(flags, 0, nil, nil, MHDCallbacks.access, cls, list)
            }
        }
    }
}
