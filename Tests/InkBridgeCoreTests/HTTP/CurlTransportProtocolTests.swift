@testable import InkBridgeCore
import Foundation
import InkBridgeSandbox
import MicroHTTP
import XCTest

/// Protocol details: interim 1xx responses, credentials options.
final class CurlTransportProtocolTests: XCTestCase {
    private var transport: CurlTransport!

    override func setUp() {
        transport = CurlTransport()
    }

    override func tearDown() {
        transport.shutdown()
    }

    /// libmicrohttpd cannot send a 1xx with headers; Python's http.server can.
    /// It answers one request (or gives up after 20 s) and exits by itself.
    private static let earlyHintsServer = """
    import http.server, sys
    class H(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        def do_GET(self):
            self.send_response_only(103)
            self.send_header("Link", "</style.css>; rel=preload")
            self.send_header("X-Interim", "yes")
            self.end_headers()
            self.send_response(200)
            self.send_header("X-Final", "yes")
            self.send_header("Content-Length", "2")
            self.send_header("Connection", "close")
            self.end_headers()
            self.close_connection = True
            self.wfile.write(b"ok")
        def log_message(self, *args): pass
    server = http.server.HTTPServer(("127.0.0.1", 0), H)
    server.timeout = 20
    print(server.server_address[1], flush=True)
    server.handle_request()
    """

    func testInterimResponseHeadersAreDropped() async throws {
        let python = try PythonServer(script: Self.earlyHintsServer)
        let response = try await transport.send(HTTPRequest(method: "GET", url: "http://127.0.0.1:\(python.port)/", allowPrivate: true))
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(response.bodyText, "ok")
        XCTAssertEqual(response.header("X-Final"), "yes")
        XCTAssertNil(response.header("X-Interim"), "a header of the 103 block leaked into the final response")
        XCTAssertNil(response.header("Link"))
        let exited = await python.exited()
        XCTAssertTrue(exited, "the script served its one request")
    }

    /// HTTPS with a certificate argv[1]/argv[2] that no CA vouches for.
    private static let selfSignedServer = """
    import http.server, ssl, sys
    class H(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.end_headers()
        def log_message(self, *args): pass
    server = http.server.HTTPServer(("127.0.0.1", 0), H)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(sys.argv[1], sys.argv[2])
    server.socket = context.wrap_socket(server.socket, server_side=True)
    server.timeout = 20
    print(server.server_address[1], flush=True)
    server.handle_request()
    """

    func testUnverifiableCertificateIsATLSError() async throws {
        let certificate = temporaryPath("cert.pem")
        let key = temporaryPath("key.pem")
        defer {
            unlink(certificate)
            unlink(key)
        }
        let openssl = Process()
        openssl.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        openssl.arguments = ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                             "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key, "-out", certificate]
        openssl.standardError = FileHandle.nullDevice
        try openssl.run()
        openssl.waitUntilExit()
        XCTAssertEqual(openssl.terminationStatus, 0)

        let python = try PythonServer(script: Self.selfSignedServer, arguments: [certificate, key])
        do {
            let response = try await transport.send(HTTPRequest(method: "GET", url: "https://127.0.0.1:\(python.port)/", allowPrivate: true))
            XCTFail("an unverified certificate was accepted: HTTP \(response.status)")
        } catch {
            XCTAssertEqual(error.kind, .tls, error.description)
        }
    }

    func testExplicitExpectContinueStillWorks() async throws {
        let server = try RecordingServer.echo()
        defer { server.stop() }
        let body = patternBytes(10_000)
        let response = try await transport.send(HTTPRequest(method: "PUT", url: server.baseURL + "/e", headers: [("Expect", "100-continue")],
                                                            body: body, allowPrivate: true))
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(response.body, body)
        XCTAssertNil(response.header("X-Interim"))
        XCTAssertEqual(response.headers.filter { $0.name == "X-Reply" }.map(\.value), ["one", "two"])
    }

    /// A header that would split into two on the wire, or a name that is not a token, is refused
    /// before anything is sent, and the error does not quote the value (it may be a secret).
    func testHeaderInjectionAndBadNamesAreRefusedBeforeSending() async throws {
        let server = try RecordingServer.echo()
        defer { server.stop() }
        let refused: [(String, String)] = [("X-Token", "secret\r\nX-Injected: yes"), ("X-Token", "secret\nX-Injected: yes"),
                                           ("X-Token", "sec\u{0}ret"), ("Bad Name", "v"), ("Bad:Name", "v"), ("", "v")]
        for (name, value) in refused {
            do {
                _ = try await transport.send(HTTPRequest(method: "POST", url: server.baseURL + "/h", headers: [("X-Fine", "1"), (name, value)],
                                                         body: [1], allowPrivate: true))
                XCTFail("\(name.debugDescription) was sent")
            } catch {
                XCTAssertFalse(error.message.contains("secret"), error.message)
            }
        }
        XCTAssertEqual(server.requests.count, 0, "nothing reached the server")
        // The same headers without the bad one go through, and curl's defaults are still suppressed.
        _ = try await transport.send(HTTPRequest(method: "POST", url: server.baseURL + "/h", headers: [("X-Fine", "1"), ("accept", "text/plain")],
                                                 body: [1], allowPrivate: true))
        XCTAssertEqual(server.requests.first?.header("X-Fine"), "1")
        XCTAssertEqual(server.requests.first?.header("Accept"), "text/plain", "the caller's Accept, in any case, replaces curl's")
        XCTAssertNil(server.requests.first?.header("Expect"))
    }

    func testUserpwdAloneIsBasicAuth() async throws {
        let server = try RecordingServer.echo()
        defer { server.stop() }
        var request = HTTPRequest(method: "GET", url: server.baseURL + "/basic", allowPrivate: true)
        request.userpwd = "alice:open sesame"
        _ = try await transport.send(request)
        XCTAssertEqual(server.requests.first?.header("Authorization"), "Basic " + Data("alice:open sesame".utf8).base64EncodedString())
    }

    func testSigV4SignsWithTheGivenCredentialScope() async throws {
        let server = try RecordingServer.echo()
        defer { server.stop() }
        var request = HTTPRequest(method: "PUT", url: "http://127.0.0.1:\(server.port)/bucket/key.zip",
                                  headers: [("Content-Type", "application/zip"), ("x-amz-content-sha256", "UNSIGNED-PAYLOAD")],
                                  body: Array("archive".utf8), allowPrivate: true)
        request.awsSigV4 = "aws:amz:eu-west-1:s3"
        request.userpwd = "AKIDEXAMPLE:wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
        let response = try await transport.send(request)
        XCTAssertEqual(response.status, 200)

        let seen = try XCTUnwrap(server.requests.first)
        let authorization = try XCTUnwrap(seen.header("Authorization"))
        XCTAssertTrue(authorization.hasPrefix("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/"), authorization)
        XCTAssertTrue(authorization.contains("/eu-west-1/s3/aws4_request"), authorization)
        XCTAssertTrue(authorization.contains("Signature="), authorization)
        XCTAssertFalse(authorization.contains("wJalrXUtnFEMI"), "the secret itself is never sent")
        XCTAssertNotNil(seen.header("x-amz-date"))
        XCTAssertEqual(seen.body, Array("archive".utf8))
    }
}
