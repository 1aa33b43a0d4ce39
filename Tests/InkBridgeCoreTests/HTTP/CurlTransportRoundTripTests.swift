@testable import InkBridgeCore
import InkBridgeSandbox
import MicroHTTP
import XCTest

/// What reaches a real server and what comes back: methods, exact headers,
/// byte-identical bodies, response headers in order, redirects, reuse.
final class CurlTransportRoundTripTests: XCTestCase {
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

    private func request(_ method: String, _ path: String, headers: [(name: String, value: String)] = [], body: [UInt8]? = nil) -> HTTPRequest {
        HTTPRequest(method: method, url: server.baseURL + path, headers: headers, body: body, allowPrivate: true)
    }

    private func names(_ request: CapturedRequest) -> [String] {
        request.headers.map { $0.name.lowercased() }
    }

    func testBodyMethodsArriveWithExactHeadersAndIdenticalBytes() async throws {
        for (index, method) in ["POST", "PUT", "PATCH", "DELETE"].enumerated() {
            let body = patternBytes(3000 + index, seed: UInt32(index + 7))
            let headers = [("Content-Type", "application/json"), ("X-Trace", "trace-\(index)"), ("webhook-id", "msg_\(index)"), ("X-Empty", "")]
            let response = try await transport.send(request(method, "/things/\(index)?a=1&b=two", headers: headers, body: body))

            XCTAssertEqual(response.status, 200, method)
            XCTAssertEqual(response.body, body, "\(method): response body byte-identical")
            let seen = try XCTUnwrap(server.requests.last)
            XCTAssertEqual(seen.method, method)
            XCTAssertEqual(seen.path, "/things/\(index)")
            XCTAssertEqual(seen.query.map { "\($0.name)=\($0.value)" }, ["a=1", "b=two"])
            XCTAssertEqual(seen.body, body, "\(method): request body byte-identical")
            // Exactly these headers: curl added no Expect, Accept, User-Agent or form Content-Type.
            XCTAssertEqual(Set(names(seen)), ["host", "content-type", "x-trace", "webhook-id", "x-empty", "content-length"], method)
            XCTAssertEqual(seen.header("Content-Type"), "application/json")
            XCTAssertEqual(seen.header("X-Trace"), "trace-\(index)")
            XCTAssertEqual(seen.header("webhook-id"), "msg_\(index)")
            XCTAssertEqual(seen.header("X-Empty"), "")
            XCTAssertEqual(seen.header("Content-Length"), String(body.count))
            XCTAssertEqual(seen.header("Host"), "127.0.0.1:\(server.port)")
            // The connector's headers keep their order.
            XCTAssertEqual(names(seen).filter { ["content-type", "x-trace", "webhook-id", "x-empty"].contains($0) },
                           ["content-type", "x-trace", "webhook-id", "x-empty"])
        }
    }

    func testGetSendsNoBodyAndNoDefaultHeaders() async throws {
        let response = try await transport.send(request("GET", "/status", headers: [("Authorization", "Bearer t0ken")]))
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(response.body, [])
        let seen = try XCTUnwrap(server.requests.first)
        XCTAssertEqual(seen.method, "GET")
        XCTAssertEqual(Set(names(seen)), ["host", "authorization"])
        XCTAssertEqual(seen.header("Authorization"), "Bearer t0ken")
    }

    func testBodylessPostAndPutSendContentLengthZero() async throws {
        for method in ["POST", "PUT"] {
            _ = try await transport.send(request(method, "/empty"))
            let seen = try XCTUnwrap(server.requests.last)
            XCTAssertEqual(seen.method, method)
            XCTAssertEqual(seen.header("Content-Length"), "0", method)
            XCTAssertNil(seen.header("Content-Type"), method)
            XCTAssertEqual(seen.body, [])
        }
    }

    func testResponseHeadersInArrivalOrderWithRepeats() async throws {
        let response = try await transport.send(request("POST", "/h", body: Array("x".utf8)))
        let custom = response.headers.filter { $0.name.hasPrefix("X-") }
        XCTAssertEqual(custom.map(\.name), ["X-Reply", "X-Reply", "X-Method"])
        XCTAssertEqual(custom.map(\.value), ["one", "two", "POST"])
        XCTAssertEqual(response.header("x-reply"), "one", "lookup is case-insensitive, first wins")
        XCTAssertEqual(response.header("content-type"), "application/octet-stream")
        XCTAssertEqual(response.header("Content-Length"), "1")
        XCTAssertGreaterThan(response.duration, 0)
    }

    func testHeadGetsHeadersOnly() async throws {
        let response = try await transport.send(request("HEAD", "/h"))
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(response.body, [])
        XCTAssertEqual(response.header("X-Method"), "HEAD")
        XCTAssertEqual(server.requests.last?.method, "HEAD")
    }

    func testRedirectIsReturnedAsIsAndNotFollowed() async throws {
        let redirecting = try RecordingServer { request in
            guard request.path.hasPrefix("/old/"), let status = Int(request.path.dropFirst(5)) else { return .text(200, "followed") }
            return HTTPServerResponse(status: status, headers: [("Location", "/new")], body: Array("moved".utf8))
        }
        defer { redirecting.stop() }
        let statuses = [301, 302, 303, 307, 308]
        for status in statuses {
            let response = try await transport.send(HTTPRequest(method: "POST", url: redirecting.baseURL + "/old/\(status)", body: [1], allowPrivate: true))
            XCTAssertEqual(response.status, status)
            XCTAssertEqual(response.header("Location"), "/new")
            XCTAssertEqual(response.bodyText, "moved")
        }
        XCTAssertEqual(redirecting.requests.map(\.path), statuses.map { "/old/\($0)" }, "the Location was never requested")
    }

    func testAReusedHandleCarriesNothingOfThePreviousRequest() async throws {
        // One request at a time: each reuses the same pooled handle, configured in full only
        // when the kind of request changes. Nothing of the one before may show on the wire.
        let sequence: [(method: String, headers: [(name: String, value: String)], body: [UInt8]?)] = [
            ("POST", [("X-First", "1"), ("Content-Type", "application/json")], Array("one".utf8)),
            ("POST", [("X-Second", "2")], Array("second body".utf8)),
            ("PUT", [], Array("put".utf8)),
            ("POST", [], nil),
            ("GET", [("X-Get", "g")], nil),
            ("HEAD", [], nil),
            ("POST", [("X-Last", "l")], Array("last".utf8)),
        ]
        for (i, step) in sequence.enumerated() {
            let response = try await transport.send(request(step.method, "/r/\(i)", headers: step.headers, body: step.body))
            XCTAssertEqual(response.status, 200, "\(i) \(step.method)")
        }
        let seen = server.requests
        XCTAssertEqual(seen.map(\.method), sequence.map(\.method))
        XCTAssertEqual(seen.map(\.body), sequence.map { $0.body ?? [] })
        let custom = seen.map { names($0).filter { $0.hasPrefix("x-") } }
        XCTAssertEqual(custom, [["x-first"], ["x-second"], [], [], ["x-get"], [], ["x-last"]])
        XCTAssertEqual(seen.map { $0.header("Content-Type") }, ["application/json", nil, nil, nil, nil, nil, nil],
                       "no form Content-Type of curl's, and none left from the first request")
        XCTAssertEqual(seen.map { $0.header("Content-Length") }, ["3", "11", "3", "0", nil, nil, "4"])
        XCTAssertEqual(transport.socketsOpened, 1)
    }

    /// Header lines live in a buffer the transfer reuses (`CurlHeaderLines`): forty long ones
    /// outgrow its first size and its node count, and the next request on the handle still
    /// carries only its own line.
    func testManyLongHeadersArriveIntactAndInOrder() async throws {
        let many = (0..<40).map { (name: "X-H\($0)", value: String(repeating: Character(UnicodeScalar(UInt8(65 + $0 % 26))), count: 100 + $0)) }
        _ = try await transport.send(request("POST", "/many", headers: many, body: Array("b".utf8)))
        _ = try await transport.send(request("POST", "/one", headers: [("X-Only", "1")], body: Array("c".utf8)))
        let seen = server.requests
        XCTAssertEqual(seen.count, 2)
        let custom = seen[0].headers.filter { $0.name.lowercased().hasPrefix("x-h") }
        XCTAssertEqual(custom.map(\.name.localizedLowercase), many.map(\.name.localizedLowercase))
        XCTAssertEqual(custom.map(\.value), many.map(\.value))
        XCTAssertEqual(names(seen[1]).filter { $0.hasPrefix("x-") }, ["x-only"])
    }

    /// A body over curl's 1 MiB threshold in memory: curl would add `Expect: 100-continue`,
    /// and the transport removes it, as it does for every body (small ones need no removal
    /// line: curl adds none for them).
    func testALargeBodyInMemoryGoesWithoutExpect() async throws {
        for size in [100, (64 << 10) - 1, 64 << 10, (1 << 20) + 4096] {
            let body = patternBytes(size, seed: UInt32(size & 0xffff))
            var big = request("POST", "/big/\(size)", body: body)
            big.maxResponseBytes = 2 << 20  // the echo sends the body back
            let response = try await transport.send(big)
            XCTAssertEqual(response.status, 200)
            let seen = try XCTUnwrap(server.requests.last)
            XCTAssertEqual(seen.path, "/big/\(size)")
            XCTAssertNil(seen.header("Expect"), "\(size) bytes")
            XCTAssertEqual(seen.body, body, "\(size) bytes")
        }
    }

    /// POSTs of one kind (same URL and limits) in a row: after the first, the handle keeps its
    /// options and only the body and headers are set again. Each request still carries exactly
    /// its own body and headers, a body that outgrows the last one included, and a request that
    /// fails to configure (a bad header) leaves nothing behind for the next.
    func testPostsOfOneKindInARowCarryOnlyTheirOwnBodyAndHeaders() async throws {
        let steps: [(headers: [(name: String, value: String)], body: [UInt8])] = [
            ([("X-A", "1"), ("Content-Type", "application/json")], Array("first".utf8)),
            ([("X-B", "2")], patternBytes(20_000, seed: 3)),
            ([], []),
            ([("X-C", "3"), ("X-D", "")], Array("last".utf8)),
        ]
        for step in steps {
            let response = try await transport.send(request("POST", "/same", headers: step.headers, body: step.body))
            XCTAssertEqual(response.status, 200)
        }
        do {
            _ = try await transport.send(request("POST", "/same", headers: [("Bad\nName", "x")], body: [1]))
            XCTFail("a header name with a newline was sent")
        } catch {
            XCTAssertEqual(error.kind, .other)
        }
        _ = try await transport.send(request("POST", "/same", headers: [("X-E", "5")], body: Array("after".utf8)))
        let seen = server.requests
        XCTAssertEqual(seen.count, steps.count + 1)
        XCTAssertEqual(seen.map(\.body), steps.map(\.body) + [Array("after".utf8)])
        XCTAssertEqual(seen.map { $0.header("Content-Length") }, ["5", "20000", "0", "4", "5"])
        XCTAssertEqual(seen.map { names($0).filter { $0.hasPrefix("x-") } }, [["x-a"], ["x-b"], [], ["x-c", "x-d"], ["x-e"]])
        XCTAssertEqual(seen.map { $0.header("Content-Type") }, ["application/json", nil, nil, nil, nil],
                       "no form Content-Type of curl's, and none left from the first request")
        XCTAssertEqual(seen.map { Set(names($0)) }.allSatisfy { $0.isSubset(of: ["host", "content-length", "content-type", "x-a", "x-b", "x-c", "x-d", "x-e"]) }, true,
                       "nothing of curl's own (Accept, Expect, User-Agent)")
        XCTAssertEqual(transport.socketsOpened, 1)
    }

    func testSequentialRequestsReuseOneConnection() async throws {
        for i in 0..<200 {
            let response = try await transport.send(request(i % 2 == 0 ? "GET" : "POST", "/n/\(i)", body: i % 2 == 0 ? nil : [UInt8(i & 0xff)]))
            XCTAssertEqual(response.status, 200)
        }
        XCTAssertEqual(server.requestCount, 200)
        XCTAssertEqual(transport.socketsOpened, 1, "200 requests, one kept-alive connection")
    }

    func testInvalidMethodAndHeaderAreRefusedWithoutLeakingValues() async throws {
        do {
            _ = try await transport.send(request("GET", "/", headers: [("X-Token", "s3cret\r\nX-Injected: 1")]))
            XCTFail("a header value with CRLF was sent")
        } catch {
            XCTAssertEqual(error.kind, .other)
            XCTAssertFalse(error.message.contains("s3cret"), error.message)
        }
        do {
            _ = try await transport.send(request("GE T", "/"))
            XCTFail("an invalid method was sent")
        } catch {
            XCTAssertEqual(error.kind, .other)
        }
        XCTAssertEqual(server.requestCount, 0)
        // The transport still works afterwards (the pooled handle was reset).
        let response = try await transport.send(request("GET", "/after"))
        XCTAssertEqual(response.status, 200)
    }
}
