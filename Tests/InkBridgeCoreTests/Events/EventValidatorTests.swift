import InkBridgeCore
import XCTest

final class EventValidatorTests: XCTestCase {
    static let valid = """
        {"id":"evt_1","type":"contract.status_changed","occurred_at":"2026-11-21T10:15:00Z",
         "contract":{"id":"ctr_42","sequence":4,"status":"executed","previous_status":"signed",
           "customer":{"id":"cust_9","name":"Acme","crm_ref":"006Dn","ticketing_ref":"361"},
           "value":{"amount":"48000.00","currency":"USD"},"effective_date":"2026-12-01","expiry_date":"2027-11-30",
           "sla":{"tier":"gold","business_hours":"24x7","targets":[{"severity":"P1","first_response_minutes":60,"resolution_minutes":240}]},
           "document":{"url":"https://files.example.com/x.pdf","sha256":"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"},
           "x_custom":{"kept":true}}}
        """

    func testValidEventKeepsUnknownFieldsAndRawBytes() throws {
        let bytes = Array(Self.valid.utf8)
        let events = try EventValidator.parseBody(bytes).get()
        XCTAssertEqual(events.count, 1)
        let e = events[0]
        XCTAssertEqual(e.id, "evt_1")
        XCTAssertEqual(e.sequence, 4)
        XCTAssertEqual(e.status, "executed")
        XCTAssertEqual(e[path: "contract.x_custom.kept"], .bool(true))
        XCTAssertEqual(e.raw, bytes, "raw bytes are kept exactly as ingested")
        XCTAssertEqual(e.occurredAt.timeIntervalSince1970, 1_795_256_100)
    }

    func testBatchKeepsEachElementsBytes() throws {
        let body = "[ \(Self.valid) ,\n\(Self.valid.replacingOccurrences(of: "evt_1", with: "evt_2")) ]"
        let events = try EventValidator.parseBody(Array(body.utf8)).get()
        XCTAssertEqual(events.map(\.id), ["evt_1", "evt_2"])
        XCTAssertEqual(String(decoding: events[0].raw, as: UTF8.self), Self.valid)
    }

    /// Each case: a mutation of the valid event and the path its error must name.
    func testEveryBadEventIsRejectedWithItsPath() throws {
        let base = try JSONParser.parse(Self.valid)
        func set(_ path: String, _ value: JSON?) -> JSON { Self.setting(base, path.split(separator: ".").map(String.init), value) }
        let cases: [(String, JSON, String)] = [
            ("missing id", set("id", nil), "id"),
            ("id not a string", set("id", 42), "id"),
            ("empty id", set("id", ""), "id"),
            ("id too long", set("id", .string(String(repeating: "x", count: 129))), "id"),
            ("missing type", set("type", nil), "type"),
            ("unknown type", set("type", "contract.deleted"), "type"),
            ("missing occurred_at", set("occurred_at", nil), "occurred_at"),
            ("occurred_at not RFC 3339", set("occurred_at", "21/11/2026 10:15"), "occurred_at"),
            ("occurred_at without zone", set("occurred_at", "2026-11-21T10:15:00"), "occurred_at"),
            ("occurred_at impossible date", set("occurred_at", "2026-02-30T10:15:00Z"), "occurred_at"),
            ("missing contract", set("contract", nil), "contract"),
            ("contract not an object", set("contract", "ctr_42"), "contract"),
            ("missing contract.id", set("contract.id", nil), "contract.id"),
            ("contract.id a number", set("contract.id", 42), "contract.id"),
            ("missing sequence", set("contract.sequence", nil), "contract.sequence"),
            ("negative sequence", set("contract.sequence", -1), "contract.sequence"),
            ("fractional sequence", set("contract.sequence", .number("1.5")), "contract.sequence"),
            ("sequence as string", set("contract.sequence", "4"), "contract.sequence"),
            ("missing status", set("contract.status", nil), "contract.status"),
            ("unknown status", set("contract.status", "archived"), "contract.status"),
            ("bad previous_status", set("contract.previous_status", "gone"), "contract.previous_status"),
            ("customer not an object", set("contract.customer", "cust_9"), "contract.customer"),
            ("customer.id a number", set("contract.customer.id", 9), "contract.customer.id"),
            ("amount not a number", set("contract.value.amount", "lots"), "contract.value.amount"),
            ("currency not ISO", set("contract.value.currency", "dollars"), "contract.value.currency"),
            ("expiry_date not a date", set("contract.expiry_date", "next year"), "contract.expiry_date"),
            ("targets not an array", set("contract.sla.targets", "fast"), "contract.sla.targets"),
            ("target minutes negative", set("contract.sla.targets.0.resolution_minutes", -5), "contract.sla.targets[0].resolution_minutes"),
            ("document sha256 not hex", set("contract.document.sha256", "abc"), "contract.document.sha256"),
            ("document url not http", set("contract.document.url", "ftp://x/y.pdf"), "contract.document.url"),
        ]
        XCTAssertGreaterThanOrEqual(cases.count, 20)
        for (name, json, path) in cases {
            let bytes = json.serialized()
            switch EventValidator.parseBody(bytes) {
            case .success: XCTFail("\(name): accepted")
            case .failure(let f):
                XCTAssertEqual(f.issues.first?.path, path, "\(name): \(f.issues)")
            }
        }
    }

    /// Limits count characters, not bytes; ids refuse line breaks and NUL in any script.
    func testIdLimitsCountCharactersAndLineBreaksAreRefused() throws {
        let base = try JSONParser.parse(Self.valid)
        func check(_ id: String) -> Bool {
            let event = Self.setting(base, ["id"], .string(id))
            let raw = Array(event.serialized())
            return (try? EventValidator.validate(event, raw: raw).get()) != nil
        }
        XCTAssertTrue(check(String(repeating: "é", count: 128)), "128 characters in 256 bytes")
        XCTAssertFalse(check(String(repeating: "é", count: 129)))
        XCTAssertTrue(check(String(repeating: "x", count: 128)))
        XCTAssertFalse(check(String(repeating: "x", count: 129)))
        XCTAssertTrue(check("evt\twith-tab"), "a tab is not a line break")
        for bad in ["evt\n1", "evt\r1", "evt\u{0B}1", "evt\u{0}1", "évt\u{2028}1", "evt\u{85}1"] {
            XCTAssertFalse(check(bad), bad.debugDescription)
        }
    }

    func testMalformedBodies() {
        let cases: [(String, [UInt8])] = [
            ("truncated", Array("{\"id\":".utf8)),
            ("scalar", Array("42".utf8)),
            ("string", Array("\"event\"".utf8)),
            ("invalid UTF-8", [0x7B, 0x22, 0x69, 0x64, 0x22, 0x3A, 0x22, 0xC3, 0x28, 0x22, 0x7D]),
            ("trailing garbage", Array("{} x".utf8)),
            ("empty batch", Array("[]".utf8)),
            ("duplicate key", Array("{\"id\":\"a\",\"id\":\"b\"}".utf8)),
            ("too deep", Array((String(repeating: "[", count: 100) + String(repeating: "]", count: 100)).utf8)),
        ]
        for (name, bytes) in cases {
            if case .success = EventValidator.parseBody(bytes) { XCTFail("\(name): accepted") }
        }
    }

    func testBatchErrorsNameTheIndexAndLimitIs500() throws {
        let bad = Self.valid.replacingOccurrences(of: "\"sequence\":4", with: "\"sequence\":\"x\"")
        let body = "[\(Self.valid),\(bad)]"
        guard case .failure(let f) = EventValidator.parseBody(Array(body.utf8)) else { return XCTFail("accepted") }
        XCTAssertEqual(f.issues.map(\.path), ["[1].contract.sequence"])
        let many = "[" + Array(repeating: Self.valid, count: 501).joined(separator: ",") + "]"
        guard case .failure(let g) = EventValidator.parseBody(Array(many.utf8)) else { return XCTFail("501 accepted") }
        XCTAssertTrue(g.issues[0].message.contains("at most 500"), "\(g.issues)")
    }

    static func setting(_ json: JSON, _ path: [String], _ value: JSON?) -> JSON {
        guard let key = path.first else { return value ?? .null }
        switch json {
        case .object(var o):
            if path.count == 1 { o[key] = value } else { o[key] = setting(o[key] ?? .object(JSONObject()), Array(path.dropFirst()), value) }
            return .object(o)
        case .array(var a):
            let i = Int(key)!
            a[i] = path.count == 1 ? (value ?? .null) : setting(a[i], Array(path.dropFirst()), value)
            return .array(a)
        default:
            return json
        }
    }
}
