import Foundation
import XCTest
@testable import InkBridgeCore

/// Which contracts grant an SLA entitlement, and its projected shape (SPEC section 6).
final class EntitlementTests: XCTestCase {
    /// 2027-06-15T12:00:00Z
    let now = RFC3339.parse("2027-06-15T12:00:00Z")!

    func record(_ id: String = "ctr_1", status: String, expiry: String? = "2027-11-30", sla: String? = #"{"tier":"gold","business_hours":"24x7","targets":[{"severity":"P1","first_response_minutes":60}]}"#) -> ContractRecord {
        var fields = [#""id":"\#(id)""#, #""status":"\#(status)""#, #""effective_date":"2026-12-01""#]
        if let expiry { fields.append(#""expiry_date":"\#(expiry)""#) }
        if let sla { fields.append(#""sla":\#(sla)"#) }
        let contract = try! JSONParser.parse("{" + fields.joined(separator: ",") + "}")
        return ContractRecord(tenant: "t", id: id, sequence: 1, status: status, updatedAt: now, customerID: "cust", contract: contract)
    }

    func testInForceStatuses() {
        for status in ["executed", "renewed", "amended"] {
            XCTAssertNotNil(Entitlement.inForce(record(status: status), now: now), status)
        }
        for status in ["draft", "sent", "viewed", "signed", "declined", "voided", "expired", "terminated"] {
            XCTAssertNil(Entitlement.inForce(record(status: status), now: now), status)
        }
    }

    func testExpiryDayStillCountsAndTheNextDayDoesNot() {
        let lastDay = RFC3339.parse("2027-11-30T23:59:59Z")!
        let dayAfter = RFC3339.parse("2027-12-01T00:00:00Z")!
        XCTAssertNotNil(Entitlement.inForce(record(status: "executed"), now: lastDay))
        XCTAssertNil(Entitlement.inForce(record(status: "executed"), now: dayAfter))
        XCTAssertNil(Entitlement.inForce(record(status: "executed", expiry: "2027-06-14"), now: now))
        // No expiry: open-ended. An unreadable one proves nothing: not in force.
        XCTAssertNotNil(Entitlement.inForce(record(status: "executed", expiry: nil), now: now))
        XCTAssertNil(Entitlement.inForce(record(status: "executed", expiry: "soon"), now: now))
    }

    func testAContractWithoutAnSLAGrantsNothing() {
        XCTAssertNil(Entitlement.inForce(record(status: "executed", sla: nil), now: now))
        XCTAssertNil(Entitlement.inForce(record(status: "executed", sla: "null"), now: now))
        // An SLA with only some fields: the others are null.
        let partial = Entitlement.inForce(record(status: "executed", sla: #"{"tier":"bronze"}"#), now: now)
        XCTAssertEqual(partial?.json, ["contract_id": "ctr_1", "tier": "bronze", "business_hours": nil, "targets": nil,
                                       "effective_date": "2026-12-01", "expiry_date": "2027-11-30"])
    }

    func testProjectionShape() {
        let e = Entitlement.inForce(record(status: "renewed"), now: now)
        XCTAssertEqual(e?.json.jsonText, #"{"contract_id":"ctr_1","tier":"gold","business_hours":"24x7","targets":[{"severity":"P1","first_response_minutes":60}],"effective_date":"2026-12-01","expiry_date":"2027-11-30"}"#)
        let list = Entitlement.inForce([record("a", status: "executed"), record("b", status: "expired"), record("c", status: "amended")], now: now)
        XCTAssertEqual(list.map(\.contractID), ["a", "c"])
    }
}
