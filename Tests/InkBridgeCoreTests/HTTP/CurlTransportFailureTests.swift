@testable import InkBridgeCore
import InkBridgeSandbox
import MicroHTTP
import XCTest

/// Failures a connector must be able to tell apart: timeout, refused
/// connection, oversized answer, bad URL; none with a secret in its message.
final class CurlTransportFailureTests: XCTestCase {
    private var transport: CurlTransport!

    override func setUp() {
        transport = CurlTransport()
    }

    override func tearDown() {
        transport.shutdown()
    }

    private func expectError(_ request: HTTPRequest, file: StaticString = #filePath, line: UInt = #line) async -> HTTPTransportError? {
        do {
            let response = try await transport.send(request)
            XCTFail("expected an error, got HTTP \(response.status)", file: file, line: line)
            return nil
        } catch {
            return error
        }
    }

    func testSlowServerTimesOut() async throws {
        let gate = Gate()
        let server = try RecordingServer.held(by: gate, answering: "too late")
        defer { server.stop(releasing: gate) }
        let started = ContinuousClock.now
        let error = await expectError(HTTPRequest(method: "GET", url: server.baseURL + "/slow", timeout: 0.3, allowPrivate: true))
        let elapsed = ContinuousClock.now - started
        XCTAssertEqual(error?.kind, .timeout, error?.description ?? "")
        XCTAssertEqual(server.requestCount, 1, "the request did reach the server")
        XCTAssertGreaterThanOrEqual(elapsed, .milliseconds(290))
        XCTAssertLessThan(elapsed, .seconds(3), "the timeout, not the server, ended the call")
    }

    func testRefusedConnectionIsConnectFailed() async throws {
        let closedPort = try XCTUnwrap(LoopbackPort.unused())
        let error = await expectError(HTTPRequest(method: "POST", url: "http://127.0.0.1:\(closedPort)/hook", body: [1, 2], allowPrivate: true))
        XCTAssertEqual(error?.kind, .connectFailed, error?.description ?? "")
    }

    func testResponseOverTheCapIsRefused() async throws {
        let body = patternBytes(64 << 10)
        let server = try RecordingServer { _ in HTTPServerResponse(status: 200, body: body) }
        defer { server.stop() }
        var request = HTTPRequest(method: "GET", url: server.baseURL + "/big", maxResponseBytes: 1000, allowPrivate: true)
        let error = await expectError(request)
        XCTAssertEqual(error?.kind, .responseTooLarge, error?.description ?? "")

        // The write callback's own check (no Content-Length shortcut when the cap is 0).
        request.maxResponseBytes = 0
        let capZero = await expectError(request)
        XCTAssertEqual(capZero?.kind, .responseTooLarge)

        // Exactly at the cap is allowed.
        request.maxResponseBytes = body.count
        let response = try await transport.send(request)
        XCTAssertEqual(response.body, body)

        // A HEAD of the same large resource carries no body: the cap does not refuse it.
        let head = try await transport.send(HTTPRequest(method: "HEAD", url: server.baseURL + "/big", maxResponseBytes: 1000, allowPrivate: true))
        XCTAssertEqual(head.status, 200)
        XCTAssertEqual(head.header("Content-Length"), String(body.count))
    }

    func testUnsupportedOrMalformedURLsAreInvalidURL() async {
        for url in ["ftp://127.0.0.1/file", "file:///etc/passwd", "gopher://127.0.0.1/", "http://exa mple.com/", "not a url at all"] {
            let error = await expectError(HTTPRequest(method: "GET", url: url, allowPrivate: true))
            XCTAssertEqual(error?.kind, .invalidURL, "\(url): \(error?.description ?? "")")
        }
    }

    func testMessagesCarryNoCredentials() async throws {
        let closedPort = try XCTUnwrap(LoopbackPort.unused())
        var request = HTTPRequest(method: "GET", url: "http://user:pw-in-url@127.0.0.1:\(closedPort)/?sig=url-secret",
                                  headers: [("Authorization", "Bearer header-secret")], allowPrivate: true)
        request.userpwd = "AKIDEXAMPLE:userpwd-secret"
        request.awsSigV4 = "aws:amz:us-east-1:s3"
        let failure = await expectError(request)
        let error = try XCTUnwrap(failure)
        XCTAssertEqual(error.kind, .connectFailed)
        for secret in ["pw-in-url", "url-secret", "header-secret", "userpwd-secret", "AKIDEXAMPLE"] {
            XCTAssertFalse(error.description.contains(secret), "\(secret) in \(error.description)")
        }
    }

    func testInvalidTimeoutIsAnErrorNotNoLimit() async throws {
        let server = try RecordingServer.echo()
        defer { server.stop() }
        for timeout in [0, -1, Double.nan, Double.infinity] {
            let error = await expectError(HTTPRequest(method: "GET", url: server.baseURL, timeout: timeout, allowPrivate: true))
            XCTAssertEqual(error?.kind, .other, "timeout \(timeout)")
        }
        XCTAssertEqual(server.requestCount, 0)
    }
}
