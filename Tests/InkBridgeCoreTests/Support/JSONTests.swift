import InkBridgeCore
import XCTest

final class JSONTests: XCTestCase {
    func testRoundTripKeepsKeyOrderAndNumberLiterals() throws {
        let text = #"{"z":1,"a":[true,false,null],"amount":48000.00,"big":12345678901234567890,"s":"é\n\"\u0001"}"#
        let json = try JSONParser.parse(text)
        XCTAssertEqual(json.objectValue?.keys, ["z", "a", "amount", "big", "s"])
        XCTAssertEqual(json["amount"], .number("48000.00"))
        XCTAssertEqual(json.jsonText, #"{"z":1,"a":[true,false,null],"amount":48000.00,"big":12345678901234567890,"s":"é\n\"\u0001"}"#)
        XCTAssertEqual(try JSONParser.parse(json.jsonText), json)
    }

    func testSurrogatePairsAndErrors() throws {
        XCTAssertEqual(try JSONParser.parse(#""\ud83d\ude00""#), .string("😀"))
        XCTAssertThrowsError(try JSONParser.parse(#""\ud83d""#))
        XCTAssertThrowsError(try JSONParser.parse("01"))
        XCTAssertThrowsError(try JSONParser.parse("[1,]"))
        XCTAssertThrowsError(try JSONParser.parse("{\"a\" 1}"))
        XCTAssertThrowsError(try JSONParser.parse("\"tab\there\""))
    }

    func testPathLookup() throws {
        let json = try JSONParser.parse(#"{"contract":{"customer":{"id":"c1"},"targets":[{"s":"P1"}]}}"#)
        XCTAssertEqual(json[path: "contract.customer.id"], .string("c1"))
        XCTAssertEqual(json[path: "contract.targets.0.s"], .string("P1"))
        XCTAssertNil(json[path: "contract.missing"])
    }

    func testRFC3339() {
        XCTAssertEqual(RFC3339.parse("1970-01-01T00:00:00Z")?.timeIntervalSince1970, 0)
        XCTAssertEqual(RFC3339.parse("2026-11-21T12:15:00+02:00")?.timeIntervalSince1970, RFC3339.parse("2026-11-21T10:15:00Z")?.timeIntervalSince1970)
        XCTAssertEqual(RFC3339.parse("2024-02-29T00:00:00.250Z")?.timeIntervalSince1970, 1_709_164_800.25)
        XCTAssertNil(RFC3339.parse("2023-02-29T00:00:00Z"))
        XCTAssertEqual(RFC3339.format(Date(timeIntervalSince1970: 1_795_256_100.5)), "2026-11-21T10:15:00.500Z")
        XCTAssertEqual(RFC3339.formatDate(Date(timeIntervalSince1970: 1_795_256_100)), "2026-11-21")
        XCTAssertEqual(HTTPDate.parse("Sun, 06 Nov 1994 08:49:37 GMT")?.timeIntervalSince1970, 784_111_777)
    }
}
