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

    /// Answers 200 with `text`, each answer only once `gate` opens.
    static func held(by gate: Gate, answering text: String) throws -> RecordingServer {
        try RecordingServer { _ in
            await gate.wait()
            return .text(200, text)
        }
    }

    /// Opens `gate`, so that no handler is left waiting, then stops.
    func stop(releasing gate: Gate) {
        gate.open()
        stop()
    }
}
