import InkBridgeSandbox
import MicroHTTP

extension RecordingServer {
    /// Answers 200 with the request's body and a few fixed headers.
    static func echo() throws -> RecordingServer {
        try RecordingServer { request in
            HTTPServerResponse(status: 200, headers: [("X-Reply", "one"), ("Content-Type", "application/octet-stream"),
                                                      ("X-Reply", "two"), ("X-Method", request.method)],
                               body: request.body)
        }
    }
}
