import Foundation
import MicroHTTP
import Synchronization

/// A local document server for the storage connectors' fetch step: serves
/// registered documents by path, can demand an auth header, can fail the
/// next requests with a chosen status, and records what it was asked.
public final class DocumentServer: Sendable {
    private let library: DocumentLibrary
    private let server: Mutex<MicroHTTPServer?>
    public let port: UInt16

    /// - Parameter requiredHeader: when set, requests without exactly this header get 401.
    public init(requiredHeader: (name: String, value: String)? = nil) throws {
        let library = DocumentLibrary(requiredHeader: requiredHeader)
        let server = try MicroHTTPServer(host: "127.0.0.1", port: 0) { request in library.handle(request) }
        self.library = library
        self.server = Mutex(server)
        port = server.port
    }

    public var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Serves `bytes` at `path` (`/ctr_42/executed.pdf`); answers its URL.
    @discardableResult
    public func put(_ path: String, _ bytes: [UInt8], contentType: String = "application/pdf") -> String {
        library.state.withLock { $0.documents[path] = (bytes, contentType) }
        return baseURL + path
    }

    /// The next `count` requests answer `status` (e.g. 503) whatever they ask.
    public func failNext(_ status: Int, count: Int = 1) {
        library.state.withLock { $0.failures.append(contentsOf: Array(repeating: status, count: count)) }
    }

    /// What the server was asked, in arrival order.
    public var requests: [CapturedRequest] { library.log.all }

    public func stop() {
        let s = server.withLock { s -> MicroHTTPServer? in defer { s = nil }; return s }
        s?.stop()
    }

    deinit { stop() }

}

/// The served documents, the queued failures and the request log, shared with the server's handler
/// (which runs on MicroHTTP's threads): every access goes through `state`'s lock.
private final class DocumentLibrary: Sendable {
    struct State {
        var documents: [String: (bytes: [UInt8], contentType: String)] = [:]
        var failures: [Int] = []
    }

    let state = Mutex(State())
    let log = CapturedRequestLog()
    let requiredHeader: (name: String, value: String)?

    init(requiredHeader: (name: String, value: String)?) { self.requiredHeader = requiredHeader }

    func handle(_ request: HTTPServerRequest) -> HTTPServerResponse {
        log.append(request)
        let outcome = state.withLock { s -> (failure: Int?, document: (bytes: [UInt8], contentType: String)?) in
            if !s.failures.isEmpty { return (s.failures.removeFirst(), nil) }
            return (nil, s.documents[request.path])
        }
        if let status = outcome.failure { return .text(status, "injected failure \(status)\n") }
        if let required = requiredHeader, request.header(required.name) != required.value {
            return .text(401, "missing or wrong \(required.name)\n")
        }
        guard request.method == "GET" || request.method == "HEAD" else { return .text(405, "method not allowed\n") }
        guard let document = outcome.document else { return .text(404, "no document at \(request.path)\n") }
        return HTTPServerResponse(status: 200, headers: [("Content-Type", document.contentType)],
                                  body: request.method == "HEAD" ? [] : document.bytes)
    }
}
