import CMicroHTTPD
import Synchronization

/// An `MHD_Connection *` carried from an MHD thread to the handler's task.
///
/// Unchecked because a raw pointer is not `Sendable`: the task touches the connection only
/// while it is suspended (libmicrohttpd allows `MHD_queue_response` and `MHD_resume_connection`
/// from any thread then, and never frees a suspended connection), and `RequestState` makes
/// sure that happens at most once.
struct ConnectionHandle: @unchecked Sendable {
    let raw: OpaquePointer
}

/// One request's state from its request line to libmicrohttpd's completion notice.
///
/// Created by the URI-log callback, reached through `*con_cls`, released by the
/// request-completed callback on every path (answered, refused, aborted, timed out).
final class RequestState: Sendable {
    enum Phase {
        /// The access handler has not been called yet: headers are not checked.
        case headers
        /// Headers accepted; body bytes are being collected.
        case body
        /// Refused with 413 before the body was read (the response is queued).
        case refused
        /// The body passed the limit while read: libmicrohttpd 0.9.75 cannot queue a response
        /// in the middle of a body, so the rest is dropped (bounded) and 413 answered at its end.
        case overflowing(discarded: Int)
        /// The handler runs; the connection waits suspended.
        case suspended(ConnectionHandle)
        /// A response was queued for a suspended connection and it was resumed.
        case answered
    }

    struct Fields {
        var phase: Phase = .headers
        var method = ""
        var headers: [(name: String, value: String)] = []
        var body: [UInt8] = []
    }

    /// The raw request target without its query string (percent-decoding is the handler's).
    let path: String

    /// Protects the request's fields. libmicrohttpd calls the access handler for one
    /// connection from one thread at a time, but the suspended phase is ended from other
    /// threads: by the handler's task or by `stop()`, whichever comes first.
    let fields = Mutex(Fields())

    init(rawTarget: String) {
        if let mark = rawTarget.firstIndex(of: "?") {
            path = String(rawTarget[..<mark])
        } else {
            path = rawTarget
        }
    }

    var phase: RequestState.Phase { fields.withLock { $0.phase } }

    func setPhase(_ phase: Phase) { fields.withLock { $0.phase = phase } }

    /// `expectedBody` is the announced `Content-Length` (already checked against the limit): the
    /// body buffer gets that capacity at once instead of growing piece by piece, up to 64 KiB (a
    /// client that announces megabytes and sends nothing holds no more than that).
    func begin(method: String, headers: [(name: String, value: String)], expectedBody: Int = 0) {
        fields.withLock {
            $0.method = method
            $0.headers = headers
            $0.phase = .body
            if expectedBody > 0 { $0.body.reserveCapacity(min(expectedBody, 64 << 10)) }
        }
    }

    /// Appends a piece of body; false (and nothing appended) when it would pass `limit`.
    func append(_ bytes: UnsafeRawBufferPointer, limit: Int) -> Bool {
        fields.withLock { f in
            guard f.body.count + bytes.count <= limit else { return false }
            f.body.append(contentsOf: bytes)
            return true
        }
    }

    /// Moves the collected request out (the body is not copied).
    func takeRequest(query: [(name: String, value: String)]) -> HTTPServerRequest {
        fields.withLock { f in
            let body = f.body
            f.body = []
            return HTTPServerRequest(method: f.method, path: path, query: query, headers: f.headers, body: body)
        }
    }

    /// Suspends the connection. Must be called from the access handler.
    func suspend(_ connection: OpaquePointer) {
        fields.withLock { f in
            // Under the lock, so a racing `resume` can never reach a connection not yet suspended.
            f.phase = .suspended(ConnectionHandle(raw: connection))
            MHD_suspend_connection(connection)
        }
    }

    /// Queues `response` on the suspended connection and resumes it, once: the first caller
    /// (the handler's task, or `stop()` giving up on it) wins; later calls return false.
    @discardableResult
    func resume(with response: HTTPServerResponse) -> Bool {
        fields.withLock { f in
            guard case .suspended(let connection) = f.phase else { return false }
            f.phase = .answered
            MHDResponse.queue(response, on: connection.raw)
            MHD_resume_connection(connection.raw)
            return true
        }
    }
}
