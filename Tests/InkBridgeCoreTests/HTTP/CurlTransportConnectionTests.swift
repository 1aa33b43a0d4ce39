@testable import InkBridgeCore
import InkBridgeSandbox
import MicroHTTP
import XCTest

/// Connections that the server closes, between requests or after each: the
/// loop keeps a kept-alive socket registered in its epoll set between
/// requests (`CurlSockets`), so a closed or reused socket must never leave a
/// request waiting or the loop spinning.
final class CurlTransportConnectionTests: XCTestCase {
    /// Every answer closes its connection: each request opens a new socket, which the
    /// kernel gives the number of the one just closed, while the loop's table still
    /// remembers the old one (`CurlSocketsTests` checks the table itself).
    func testServerClosingEveryConnectionNeverStallsTheNextRequest() async throws {
        let server = try RecordingServer { request in
            HTTPServerResponse(status: 200, headers: [("Connection", "close"), ("X-Path", request.path)], body: Array("ok".utf8))
        }
        defer { server.stop() }
        let transport = CurlTransport(ioThreads: 1)
        defer { transport.shutdown() }
        for i in 0..<30 {
            let response = try await transport.send(HTTPRequest(method: "GET", url: server.baseURL + "/\(i)", timeout: 5, allowPrivate: true))
            XCTAssertEqual(response.status, 200)
            XCTAssertEqual(response.header("X-Path"), "/\(i)")
        }
        XCTAssertEqual(server.requestCount, 30)
        XCTAssertEqual(transport.socketsOpened, 30, "one connection per request, as the server closes each")
    }

    /// Answers one request on a kept-alive connection, then closes it while the
    /// client holds it idle; answers the next connection's request and exits.
    private static let closeIdleServer = """
    import socket
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(4)
    listener.settimeout(20)
    print(listener.getsockname()[1], flush=True)
    for n in range(2):
        conn, _ = listener.accept()
        conn.settimeout(20)
        data = b""
        while b"\\r\\n\\r\\n" not in data:
            chunk = conn.recv(4096)
            if not chunk:
                break
            data += chunk
        conn.sendall(b"HTTP/1.1 200 OK\\r\\nContent-Length: 2\\r\\nConnection: keep-alive\\r\\n\\r\\n" + str(n).encode() + b"!")
        conn.close()
    """

    /// The idle connection's socket becomes readable (end of file) when the server closes it:
    /// the loop drops it from its set (else every round would wake for it), and the next request goes
    /// out on a new connection.
    func testIdleConnectionClosedByTheServerIsDroppedOnceAndReplaced() async throws {
        let python = try PythonServer(script: Self.closeIdleServer)
        let transport = CurlTransport(ioThreads: 1)
        defer { transport.shutdown() }
        let url = "http://127.0.0.1:\(python.port)/"

        let first = try await transport.send(HTTPRequest(method: "GET", url: url, timeout: 10, allowPrivate: true))
        XCTAssertEqual(first.bodyText, "0!")
        let dropped = await eventually { transport.idleSocketsDropped == 1 }
        XCTAssertTrue(dropped, "the closed idle socket was not taken out of the epoll set (dropped \(transport.idleSocketsDropped))")

        let second = try await transport.send(HTTPRequest(method: "GET", url: url, timeout: 10, allowPrivate: true))
        XCTAssertEqual(second.bodyText, "1!")
        XCTAssertEqual(transport.socketsOpened, 2)
        let exited = await python.exited()
        XCTAssertTrue(exited, "the script served both connections")
        // The server closed the second connection too: dropped as well, and neither twice.
        let both = await eventually { transport.idleSocketsDropped == 2 }
        XCTAssertTrue(both, "dropped \(transport.idleSocketsDropped) idle sockets, expected 2")
    }
}
