import Foundation
import InkBridgeCore
import MicroHTTP

/// What every ticketing emulator shares: the server on 127.0.0.1 (port chosen by the OS),
/// the request log, the queue of faults; and helpers for the vendors' wire formats. Each
/// request is logged, then answered by a queued fault that applies to it or by the
/// emulator's router, which so only routes.
final class TicketingEmulatorCore: Sendable {
    let log: CapturedRequestLog
    private let faults: Locked<[TicketingFault]>
    private let server: MicroHTTPServer

    init(route: @escaping @Sendable (CapturedRequest) async -> HTTPServerResponse) throws {
        let log = CapturedRequestLog()
        let faults = Locked<[TicketingFault]>([])
        self.log = log
        self.faults = faults
        server = try MicroHTTPServer(host: "127.0.0.1", port: 0) { request in
            let recorded = log.append(request)
            if let fault = Self.takeFault(from: faults, for: recorded.decodedPath) {
                return HTTPServerResponse(status: fault.status, headers: fault.headers, body: fault.body)
            }
            return await route(recorded)
        }
    }

    deinit { server.stop() }

    /// `http://127.0.0.1:PORT`: the connector's base URL.
    var baseURL: String { "http://127.0.0.1:\(server.port)" }

    func stop() { server.stop() }

    func enqueue(_ fault: TicketingFault, count: Int) {
        faults.withLock { $0 += Array(repeating: fault, count: count) }
    }

    /// Removes and answers the first queued fault for `path` (decoded), if any.
    private static func takeFault(from faults: Locked<[TicketingFault]>, for path: String) -> TicketingFault? {
        faults.withLock { queue -> TicketingFault? in
            guard let i = queue.firstIndex(where: { $0.pathPrefix.map { path.hasPrefix($0) } ?? true }) else { return nil }
            return queue.remove(at: i)
        }
    }

    /// `Basic base64(user:password)` → (user, password).
    static func basicCredentials(_ request: CapturedRequest) -> (user: String, password: String)? {
        guard let header = request.header("Authorization"), header.hasPrefix("Basic "),
              let data = Data(base64Encoded: String(header.dropFirst(6))),
              let text = String(data: data, encoding: .utf8), let colon = text.firstIndex(of: ":") else { return nil }
        return (String(text[..<colon]), String(text[text.index(after: colon)...]))
    }

    static func bearer(_ request: CapturedRequest) -> String? {
        guard let header = request.header("Authorization"), header.hasPrefix("Bearer ") else { return nil }
        return String(header.dropFirst(7))
    }

    /// The origin a client used to reach the emulator, for absolute URLs in answers (`links.next`).
    static func origin(_ request: CapturedRequest) -> String {
        "http://" + (request.header("Host") ?? "127.0.0.1")
    }

    static func json(_ status: Int, _ body: JSON, headers: [(name: String, value: String)] = []) -> HTTPServerResponse {
        .json(status, body.serialized(), headers: headers)
    }

    /// `application/x-www-form-urlencoded` fields (`+` is a space there).
    static func formFields(_ body: [UInt8]) -> [String: String] {
        var out: [String: String] = [:]
        for pair in String(decoding: body, as: UTF8.self).split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map { String($0).replacingOccurrences(of: "+", with: " ") }
            guard let name = parts.first?.removingPercentEncoding else { continue }
            out[name] = parts.count > 1 ? (parts[1].removingPercentEncoding ?? parts[1]) : ""
        }
        return out
    }

    /// An opaque page cursor, the way real APIs hand them out: the position, base64-encoded.
    static func cursor(_ position: Int) -> String { Data("p\(position)".utf8).base64EncodedString() }

    static func position(ofCursor cursor: String) -> Int? {
        guard let data = Data(base64Encoded: cursor), let text = String(data: data, encoding: .utf8), text.hasPrefix("p") else { return nil }
        return Int(text.dropFirst())
    }
}
