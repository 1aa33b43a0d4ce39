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

    func testStringsInvalidUTF8AndControlCharactersAreRejectedWithTheirOffset() throws {
        XCTAssertEqual(try JSONParser.parse(Array(#"["plain","é and ü","mixed \n é"]"#.utf8)), ["plain", "é and ü", "mixed \n é"])
        XCTAssertThrowsError(try JSONParser.parse([0x22, 0x61, 0xC3, 0x28, 0x22])) { error in
            XCTAssertEqual((error as? JSONParseError)?.offset, 1, "the string that holds the bad UTF-8")
        }
        XCTAssertThrowsError(try JSONParser.parse([0x22, 0x61, 0x62, 0x01, 0x22])) { error in
            XCTAssertEqual((error as? JSONParseError)?.offset, 3, "the control character itself")
        }
        XCTAssertThrowsError(try JSONParser.parse(Array(#""unterminated"#.utf8)))
    }

    /// Strings are scanned eight bytes at a time: a quote, an escape, a control character or a
    /// non-ASCII byte at any position of a long value is still found exactly there.
    func testEverySpecialByteIsFoundAtEveryOffsetOfALongString() throws {
        for offset in 0..<24 {
            let before = String(repeating: "a", count: offset)
            let after = String(repeating: "b", count: 19)
            XCTAssertEqual(try JSONParser.parse(Array("\"\(before)\"".utf8)), .string(before))
            XCTAssertEqual(try JSONParser.parse(Array("\"\(before)\\n\(after)\"".utf8)), .string(before + "\n" + after))
            XCTAssertEqual(try JSONParser.parse(Array("\"\(before)\\\"\(after)\"".utf8)), .string(before + "\"" + after))
            XCTAssertEqual(try JSONParser.parse(Array("\"\(before)é\(after)\"".utf8)), .string(before + "é" + after))
            XCTAssertThrowsError(try JSONParser.parse(Array("\"\(before)\u{1F}\(after)\"".utf8))) { error in
                XCTAssertEqual((error as? JSONParseError)?.offset, offset + 1, "the control character at \(offset)")
            }
            XCTAssertThrowsError(try JSONParser.parse(Array("\"\(before)".utf8) + [0xFF] + Array("\(after)\"".utf8))) { error in
                XCTAssertEqual((error as? JSONParseError)?.offset, 1, "invalid UTF-8 at \(offset)")
            }
            // The string ends, and the parser goes on, exactly at the quote.
            XCTAssertEqual(try JSONParser.parse(Array("[\"\(before)\",\"\(after)\"]".utf8)), [.string(before), .string(after)])
        }
    }

    func testLargeObjectsKeepOrderAndRejectADuplicateKey() throws {
        // Past 16 keys the object keeps a hash index: order, lookup and the duplicate check still hold.
        let keys = (0..<40).map { "k\($0)" }
        let text = "{" + keys.map { "\"\($0)\":\($0.dropFirst())" }.joined(separator: ",") + "}"
        var object = try XCTUnwrap(JSONParser.parse(text).objectValue)
        XCTAssertEqual(object.keys, keys)
        XCTAssertEqual(object["k39"], .number("39"))
        object["k3"] = nil
        XCTAssertNil(object["k3"])
        XCTAssertEqual(object["k4"], .number("4"))
        XCTAssertEqual(object.count, 39)
        XCTAssertThrowsError(try JSONParser.parse("{" + keys.map { "\"\($0)\":1" }.joined(separator: ",") + ",\"k7\":2}")) { error in
            XCTAssertEqual((error as? JSONParseError)?.message, "duplicate key \"k7\"")
        }
        XCTAssertEqual(try JSONParser.parse(#"{"a":1,"b":2}"#), try JSONParser.parse(#"{"b":2,"a":1}"#), "equality ignores key order")
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
