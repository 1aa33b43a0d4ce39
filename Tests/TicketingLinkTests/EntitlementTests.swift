import XCTest
import InkBridgeCore
@testable import TicketingLink

final class EntitlementTests: XCTestCase {
    let template = try! URLTemplate.parse("https://clm.example.com/contracts/{contract.id}").get()

    func testStatusesMapToGrantOrRevoke() {
        for s in ["executed", "renewed", "amended"] { XCTAssertEqual(Entitlement.Change(status: s), .grant, s) }
        for s in ["expired", "terminated", "voided"] { XCTAssertEqual(Entitlement.Change(status: s), .revoke, s) }
        for s in ["draft", "sent", "viewed", "signed", "declined"] { XCTAssertNil(Entitlement.Change(status: s), s) }
    }

    func testExecutedEventGrantsEveryField() throws {
        let event = TicketingEvents.event(status: "executed")
        let e = try Entitlement.derive(from: event, change: .grant, tenantID: "acme", contractURL: template).get()
        XCTAssertEqual(e.contractID, "ctr_42")
        XCTAssertEqual(e.tier, "gold")
        XCTAssertEqual(e.businessHours, "24x7")
        XCTAssertEqual(e.targets, [
            Entitlement.Target(severity: "P1", firstResponseMinutes: 60, resolutionMinutes: 240),
            Entitlement.Target(severity: "P2", firstResponseMinutes: 240, resolutionMinutes: 1440),
        ])
        XCTAssertEqual(e.effectiveDate, "2026-12-01")
        XCTAssertEqual(e.expiryDate, "2027-11-30")
        XCTAssertEqual(e.contractURL, "https://clm.example.com/contracts/ctr_42")
        XCTAssertTrue(e.active)
        XCTAssertEqual(e.json.jsonText, """
            {"contract_id":"ctr_42","tier":"gold","business_hours":"24x7","targets":[{"severity":"P1","first_response_minutes":60,"resolution_minutes":240},\
            {"severity":"P2","first_response_minutes":240,"resolution_minutes":1440}],"effective_date":"2026-12-01","expiry_date":"2027-11-30",\
            "contract_url":"https://clm.example.com/contracts/ctr_42","active":true,"status":"executed","updated_at":"2026-11-21T10:15:00.000Z"}
            """)
    }

    func testRevokeIsInactiveAndNeedsNoTier() throws {
        let event = TicketingEvents.event(status: "expired", tier: nil)
        let e = try Entitlement.derive(from: event, change: .revoke, tenantID: "acme", contractURL: nil).get()
        XCTAssertFalse(e.active)
        XCTAssertNil(e.tier)
        XCTAssertEqual(e.fieldValue("active"), .bool(false))
        XCTAssertEqual(e.fieldValue("tier"), .null)
    }

    func testGrantWithoutTierIsRefusedWithItsPath() {
        let event = TicketingEvents.event(status: "executed", tier: nil)
        guard case .failure(let error) = Entitlement.derive(from: event, change: .grant, tenantID: "acme", contractURL: nil) else {
            return XCTFail("a grant without a tier must fail")
        }
        XCTAssertEqual(error.issues.map(\.path), ["contract.sla.tier"])
    }

    func testFieldValuesAreFlat() throws {
        let e = try Entitlement.derive(from: TicketingEvents.event(status: "renewed"), change: .grant, tenantID: "acme", contractURL: nil).get()
        XCTAssertEqual(e.fieldValue("targets"), .string(e.targetsJSON.jsonText))
        XCTAssertEqual(e.fieldValue("contract_url"), .null)
        XCTAssertEqual(e.fieldValue("contract_id"), "ctr_42")
        XCTAssertNil(e.fieldValue("colour"))
        for name in Entitlement.fieldNames { XCTAssertNotNil(e.fieldValue(name), name) }
    }

    func testTemplateEncodesValuesAndReportsMissingOnes() throws {
        let t = try URLTemplate.parse("https://clm.example.com/{tenant}/{yyyy}/{mm}/{contract.id}?c={contract.customer.id}").get()
        let event = TicketingEvents.event(status: "executed", contractID: "ctr/4 2")
        XCTAssertEqual(try t.expand(event: event, tenantID: "acme").get(), "https://clm.example.com/acme/2026/11/ctr%2F4%202?c=cust_9")
        let missing = try URLTemplate.parse("https://x.example/{contract.nothing}").get()
        XCTAssertThrowsError(try missing.expand(event: event, tenantID: "acme").get()) { error in
            XCTAssertTrue("\(error)".contains("contract.nothing"), "\(error)")
        }
    }

    func testTemplateSyntaxErrors() {
        for bad in ["https://x/{contract.id", "https://x/}", "ftp://x/{contract.id}", "https://x/{a b}", "no-scheme/{tenant}"] {
            if case .success = URLTemplate.parse(bad) { XCTFail("\(bad) must be refused") }
        }
    }
}
