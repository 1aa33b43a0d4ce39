@testable import InkBridgeCore
import InkBridgeSandbox
import MicroHTTP
import XCTest

/// The address guard inside the transport, against a real server on
/// 127.0.0.1: refused when guarded, reachable when allowed, judged on the
/// address actually connected to (names, other spellings, reused connections).
final class CurlTransportGuardTests: XCTestCase {
    private var server: RecordingServer!
    private var transport: CurlTransport!

    override func setUpWithError() throws {
        server = try .echo()
        transport = CurlTransport()
    }

    override func tearDown() {
        transport.shutdown()
        server.stop()
    }

    private func blocked(_ url: String, file: StaticString = #filePath, line: UInt = #line) async -> HTTPTransportError? {
        do {
            let response = try await transport.send(HTTPRequest(method: "POST", url: url, body: [1], guardAddresses: true, allowPrivate: false))
            XCTFail("\(url) reached the server: \(response.status)", file: file, line: line)
            return nil
        } catch {
            XCTAssertEqual(error.kind, .blockedAddress, "\(url): \(error)", file: file, line: line)
            return error
        }
    }

    func testLoopbackIsRefusedWhenGuarded() async {
        let error = await blocked(server.baseURL + "/hook")
        XCTAssertEqual(error?.message, "refused to connect to 127.0.0.1 (loopback)")
        XCTAssertEqual(server.requestCount, 0)
        XCTAssertEqual(transport.socketsOpened, 0, "refused before a socket was even opened")
    }

    /// The same guarded POST again and again: the handle keeps that kind of request's options
    /// between them (`CurlRequestProfile`), and every one of them is still refused.
    func testTheSameGuardedRequestIsRefusedEveryTime() async {
        for _ in 0..<4 {
            let error = await blocked(server.baseURL + "/hook")
            XCTAssertEqual(error?.message, "refused to connect to 127.0.0.1 (loopback)")
        }
        XCTAssertEqual(server.requestCount, 0)
        // Allowed in between, then guarded again: the guard is back for the second.
        let allowed = try? await transport.send(HTTPRequest(method: "POST", url: server.baseURL + "/hook", body: [1], guardAddresses: true, allowPrivate: true))
        XCTAssertEqual(allowed?.status, 200)
        _ = await blocked(server.baseURL + "/hook")
        XCTAssertEqual(server.requestCount, 1)
    }

    func testHostNamesAndOtherSpellingsAreJudgedAfterResolution() async {
        // The name resolves to ::1 and/or 127.0.0.1: the check sees the address, not the string.
        let viaName = await blocked("http://localhost:\(server.port)/hook")
        XCTAssertTrue(viaName?.message.contains("(loopback)") == true, viaName?.message ?? "")
        // 0.0.0.0 connects to this host on Linux; decimal and mapped spellings of 127.0.0.1.
        let unspecified = await blocked("http://0.0.0.0:\(server.port)/hook")
        XCTAssertEqual(unspecified?.message, "refused to connect to 0.0.0.0 (unspecified)")
        _ = await blocked("http://2130706433:\(server.port)/hook")
        _ = await blocked("http://[::ffff:127.0.0.1]:\(server.port)/hook")
        XCTAssertEqual(server.requestCount, 0)
    }

    func testAllowPrivateOrUnguardedReachesLoopback() async throws {
        let allowed = try await transport.send(HTTPRequest(method: "POST", url: server.baseURL + "/a", body: [1], guardAddresses: true, allowPrivate: true))
        XCTAssertEqual(allowed.status, 200)
        let unguarded = try await transport.send(HTTPRequest(method: "POST", url: server.baseURL + "/b", body: [2], guardAddresses: false, allowPrivate: false))
        XCTAssertEqual(unguarded.status, 200)
        XCTAssertEqual(server.requests.map(\.path), ["/a", "/b"])
    }

    func testKeptAliveConnectionOfAnAllowedRequestDoesNotCarryAGuardedOne() async throws {
        // Same host and port: curl would reuse the open connection without
        // opening a socket; the pre-request check still refuses it.
        let allowed = try await transport.send(HTTPRequest(method: "GET", url: server.baseURL + "/internal", allowPrivate: true))
        XCTAssertEqual(allowed.status, 200)
        let error = await blocked(server.baseURL + "/tenant-hook")
        XCTAssertEqual(error?.message, "refused to connect to 127.0.0.1 (loopback)")
        XCTAssertEqual(server.requests.map(\.path), ["/internal"])
        // And the allowed traffic keeps working afterwards.
        let again = try await transport.send(HTTPRequest(method: "GET", url: server.baseURL + "/internal2", allowPrivate: true))
        XCTAssertEqual(again.status, 200)
    }

    func testMetadataAddressIsRefusedWithoutAnyConnectionAttempt() async {
        // Nothing listens there in a test box; the guard must answer before trying.
        let started = ContinuousClock.now
        let error = await blocked("http://169.254.169.254/latest/meta-data/")
        XCTAssertEqual(error?.message, "refused to connect to 169.254.169.254 (cloud metadata)")
        XCTAssertLessThan(ContinuousClock.now - started, .seconds(2))
        XCTAssertEqual(transport.socketsOpened, 0)
    }
}
