import InkBridgeCore
import InkBridgeSandbox
import MicroHTTP
import XCTest
@testable import InkBridgeServer

/// The checks of a `POST /v1/events` body, without a server.
final class IngestRequestTests: XCTestCase {
    func request(contentType: String?) -> HTTPServerRequest {
        HTTPServerRequest(method: "POST", path: "/v1/events", headers: contentType.map { [("Content-Type", $0)] } ?? [])
    }

    func testContentTypeMustBeJSON() {
        XCTAssertNoThrow(try IngestRequest.checkContentType(request(contentType: "application/json")))
        XCTAssertNoThrow(try IngestRequest.checkContentType(request(contentType: "Application/JSON; charset=utf-8")))
        XCTAssertNoThrow(try IngestRequest.checkContentType(request(contentType: " \tapplication/json \t;charset=utf-8")))
        let lowerName = HTTPServerRequest(method: "POST", path: "/v1/events", headers: [("content-type", "application/json")])
        XCTAssertNoThrow(try IngestRequest.checkContentType(lowerName), "header names match in any case")
        for bad in [nil, "text/plain", "application/jsonx", "application/x-www-form-urlencoded", "", "application\u{0F}json", "APPLICATION/JSO"] {
            XCTAssertThrowsError(try IngestRequest.checkContentType(request(contentType: bad))) { e in
                XCTAssertEqual((e as? APIError)?.status, 415, bad ?? "nil")
            }
        }
    }

    func status(_ body: [UInt8]) -> (Int, String?, String?) {
        do {
            _ = try IngestRequest.events(from: body)
            return (200, nil, nil)
        } catch {
            return (error.status, error.code, error.field)
        }
    }

    func testBodiesAreClassified() {
        let valid = TestEvents.json(id: "e1")
        XCTAssertEqual(status(Array(valid.utf8)).0, 200)
        XCTAssertEqual(status([]).1, "invalid_json")
        XCTAssertEqual(status(Array("  \n".utf8)).1, "invalid_json")
        XCTAssertEqual(status(Array("{\"id\":".utf8)).1, "invalid_json")
        XCTAssertEqual(status([0x7B, 0x22, 0xFF, 0x22, 0x3A, 0x31, 0x7D]).1, "invalid_json")
        let scalar = status(Array("42".utf8))
        XCTAssertEqual(scalar.0, 400)
        XCTAssertEqual(scalar.1, "invalid_event")
        let batch = status(Array(TestEvents.batch([valid, TestEvents.json(id: "e2").replacingOccurrences(of: "\"sequence\":1", with: "\"sequence\":-1")]).utf8))
        XCTAssertEqual(batch.1, "invalid_event")
        XCTAssertEqual(batch.2, "[1].contract.sequence")
    }

    func testSizeLimits() {
        let big = TestEvents.json(id: "big", extra: ",\"title\":\"\(String(repeating: "x", count: IngestRequest.maxEventBytes))\"")
        XCTAssertEqual(status(Array(big.utf8)).0, 413)
        // The same event inside a batch is refused too, naming its index.
        let inBatch = status(Array(TestEvents.batch([TestEvents.json(id: "small"), big]).utf8))
        XCTAssertEqual(inBatch.0, 413)
        XCTAssertEqual(inBatch.2, "[1]")
        XCTAssertEqual(status([UInt8](repeating: 0x20, count: IngestRequest.maxBatchBytes) + Array("{}".utf8)).0, 413)
    }
}
