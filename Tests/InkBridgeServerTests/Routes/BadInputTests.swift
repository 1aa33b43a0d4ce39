import Foundation
import InkBridgeCore
import InkBridgeSandbox
import InkBridgeServer
import XCTest

/// Hostile or clumsy input: each gets its documented status and the JSON error
/// shape, and the server keeps answering afterwards.
final class BadInputTests: XCTestCase {
    var t: APITestHub!

    override func setUp() async throws {
        var limits = APIServer.defaultLimits
        // Short, so the slow-sender test is quick; every other request here is fast.
        limits.connectionTimeout = 2
        t = try await APITestHub(limits: limits)
    }

    override func tearDown() async throws { await t.stop() }

    /// The server still answers and still ingests.
    func assertStillServing(file: StaticString = #filePath, line: UInt = #line) async throws {
        let health = try await t.client.get("/healthz", key: nil)
        XCTAssertEqual(health.status, 200, file: file, line: line)
        let ok = try await t.ingest(TestEvents.json(id: "after-\(UUID().uuidString)"))
        XCTAssertEqual(ok.status, 202, file: file, line: line)
    }

    func post(_ body: [UInt8], contentType: String? = "application/json", key: String? = APITestHub.acmeKey) async throws -> APIAnswer {
        try await t.client.call("POST", "/v1/events", key: key, body: body, contentType: contentType)
    }

    func testMalformedJSONInvalidUTF8AndScalarsAre400() async throws {
        let cases: [(String, [UInt8], String)] = [
            ("truncated", Array(#"{"id":"e1","type":"#.utf8), "invalid_json"),
            ("trailing data", Array((TestEvents.json(id: "e1") + "}").utf8), "invalid_json"),
            ("empty", [], "invalid_json"),
            ("invalid UTF-8", Array(#"{"id":""#.utf8) + [0xC3, 0x28] + Array(#""}"#.utf8), "invalid_json"),
            ("lone continuation byte", [0x80], "invalid_json"),
            ("number", Array("42".utf8), "invalid_event"),
            ("string", Array(#""evt""#.utf8), "invalid_event"),
            ("null", Array("null".utf8), "invalid_event"),
            ("empty batch", Array("[]".utf8), "invalid_event"),
            ("batch of scalars", Array("[1,2]".utf8), "invalid_event"),
            ("deep nesting", Array((String(repeating: "[", count: 5000) + String(repeating: "]", count: 5000)).utf8), "invalid_json"),
        ]
        for (name, body, code) in cases {
            let answer = try await post(body)
            XCTAssertEqual(answer.status, 400, name)
            XCTAssertEqual(answer.errorCode, code, name)
            XCTAssertNotNil(answer.json?[path: "error.message"]?.stringValue, name)
        }
        try await assertStillServing()
    }

    func testWrongTypesNameTheField() async throws {
        let cases: [(String, String)] = [
            (#"{"id":7,"type":"contract.status_changed","occurred_at":"2026-11-21T10:15:00Z","contract":{"id":"c","sequence":1,"status":"sent"}}"#, "id"),
            (#"{"id":"e","type":"contract.status_changed","occurred_at":"2026-11-21T10:15:00Z","contract":"c"}"#, "contract"),
            (#"{"id":"e","type":"contract.status_changed","occurred_at":"2026-11-21T10:15:00Z","contract":{"id":"c","sequence":1.5,"status":"sent"}}"#, "contract.sequence"),
            (#"{"id":"e","type":"contract.status_changed","occurred_at":"2026-11-21T10:15:00Z","contract":{"id":"c","sequence":1,"status":"happy"}}"#, "contract.status"),
            (#"{"id":"e","type":"other","occurred_at":"2026-11-21T10:15:00Z","contract":{"id":"c","sequence":1,"status":"sent"}}"#, "type"),
        ]
        for (body, field) in cases {
            let answer = try await post(Array(body.utf8))
            XCTAssertEqual(answer.status, 400, body)
            XCTAssertEqual(answer.errorField, field, body)
        }
        try await assertStillServing()
    }

    func testBodiesOverTheLimitsAre413() async throws {
        // 6 MiB: refused by the server before reading the body (5 MiB per request). The client
        // waits for that answer as HTTP clients do for large bodies (Expect: 100-continue); one that
        // sends regardless may see the connection closed instead, which the spec also allows.
        let huge = try await t.client.call("POST", "/v1/events", key: APITestHub.acmeKey, body: [UInt8](repeating: 0x20, count: 6 << 20),
                                           headers: [("Expect", "100-continue")])
        XCTAssertEqual(huge.status, 413)
        // One event of 1.5 MiB, under the request cap: refused by the per-event rule, as JSON.
        let big = TestEvents.json(id: "big", extra: ",\"title\":\"\(String(repeating: "x", count: 3 << 19))\"")
        let oneBig = try await post(Array(big.utf8))
        XCTAssertEqual(oneBig.status, 413)
        XCTAssertEqual(oneBig.errorCode, "payload_too_large")
        let count = try await t.store.eventCount()
        XCTAssertEqual(count, 0)
        try await assertStillServing()
    }

    func testAuthorizationProblemsAre401() async throws {
        let event = Array(TestEvents.json(id: "e").utf8)
        let none = try await post(event, key: nil)
        XCTAssertEqual(none.status, 401)
        XCTAssertEqual(none.errorCode, "unauthorized")
        XCTAssertEqual(none.header("WWW-Authenticate")?.hasPrefix("Bearer"), true)
        let wrong = try await post(event, key: "not-a-key")
        XCTAssertEqual(wrong.status, 401)
        XCTAssertFalse(wrong.text.contains("not-a-key"), "a presented key is never echoed")
        for header in ["Basic \(Data("acme:x".utf8).base64EncodedString())", "Bearer", APITestHub.acmeKey, "Token \(APITestHub.acmeKey)"] {
            let answer = try await t.client.call("POST", "/v1/events", body: event, headers: [("Authorization", header)])
            XCTAssertEqual(answer.status, 401, header)
        }
        // The operator token is not a tenant key.
        let op = try await post(event, key: APITestHub.operatorToken)
        XCTAssertEqual(op.status, 403)
        let count = try await t.store.eventCount()
        XCTAssertEqual(count, 0)
        try await assertStillServing()
    }

    func testWrongContentTypeIs415() async throws {
        let event = Array(TestEvents.json(id: "e").utf8)
        for contentType in ["text/plain", "application/x-www-form-urlencoded", "application/xml"] {
            let answer = try await post(event, contentType: contentType)
            XCTAssertEqual(answer.status, 415, contentType)
            XCTAssertEqual(answer.errorCode, "unsupported_media_type")
        }
        let missing = try await post(event, contentType: nil)
        XCTAssertEqual(missing.status, 415)
        let withCharset = try await post(event, contentType: "application/json; charset=utf-8")
        XCTAssertEqual(withCharset.status, 202)
        try await assertStillServing()
    }

    func testUnknownRoutesAre404AndWrongMethods405() async throws {
        let unknown = try await t.client.get("/v2/events", key: APITestHub.acmeKey)
        XCTAssertEqual(unknown.status, 404)
        XCTAssertEqual(unknown.errorCode, "route_not_found")
        let wrong = try await t.client.call("PUT", "/v1/events", key: APITestHub.acmeKey, json: "{}")
        XCTAssertEqual(wrong.status, 405)
        XCTAssertEqual(wrong.header("Allow"), "POST")
        XCTAssertEqual(wrong.errorCode, "method_not_allowed")
        let deleteEvent = try await t.client.call("DELETE", "/v1/events/x", key: APITestHub.acmeKey)
        XCTAssertEqual(deleteEvent.status, 405)
        try await assertStillServing()
    }

    func testASenderSlowerThanTheTimeoutIsCutOff() async throws {
        let client = try RawHTTPClient(port: t.server.port, readTimeout: 20)
        XCTAssertTrue(client.send("POST /v1/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(APITestHub.acmeKey)\r\n"
                                  + "Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"id\":"))
        let started = Date()
        let (closed, received) = client.readUntilClosed()
        XCTAssertTrue(closed, "the server closes a connection whose body stops coming")
        XCTAssertLessThan(Date().timeIntervalSince(started), 15, "cut off by the server's 2 s timeout, not the client's 20 s")
        XCTAssertFalse(received.contains(" 202 "), received)
        let count = try await t.store.eventCount()
        XCTAssertEqual(count, 0)
        try await assertStillServing()
    }
}
