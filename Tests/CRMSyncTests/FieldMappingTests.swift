@testable import CRMSync
import InkBridgeCore
import XCTest

/// What values a mapping produces from an event, and how it fails.
final class FieldMappingTests: XCTestCase {
    func mapping(_ text: String, file: StaticString = #filePath, line: UInt = #line) throws -> FieldMapping {
        var issues = IssueCollector(prefix: "settings.fields")
        let m = FieldMapping.parse(try JSONParser.parse(text), &issues)
        XCTAssertEqual(issues.issues, [], file: file, line: line)
        return try XCTUnwrap(m, file: file, line: line)
    }

    func values(_ m: FieldMapping, _ event: ContractEvent) throws -> String {
        let fields = try m.resolve(event).get()
        return JSON.object(JSONObject(fields.map { ($0.field, $0.value) })).jsonText
    }

    func testPathsConstantsMapsDefaultsAndDatesInMappingOrder() throws {
        let m = try mapping("""
            {"Contract_Status__c": "contract.status", "Amount": "contract.value.amount", "Source__c": {"const": "inkbridge"},
             "StageName": {"path": "contract.status", "map": {"executed": "Closed Won", "signed": "Contract Signed"}, "default": "Proposal"},
             "Contract_Expiry__c": {"path": "contract.expiry_date", "format": "date"},
             "Contract_Updated_At__c": {"path": "occurred_at", "format": "datetime"},
             "Sequence__c": "contract.sequence", "Cleared__c": {"const": null}}
            """)
        XCTAssertEqual(try values(m, CRMFixtures.event(status: "executed", sequence: 4)),
                       #"{"Contract_Status__c":"executed","Amount":"48000.00","Source__c":"inkbridge","StageName":"Closed Won","#
                           + #""Contract_Expiry__c":"2027-11-30","Contract_Updated_At__c":"2026-11-21T10:15:00.000Z","Sequence__c":4,"Cleared__c":null}"#)
        // A status not in the map takes the default.
        XCTAssertEqual(try m.resolve(CRMFixtures.event(status: "sent", sequence: 1)).get()[3].value, "Proposal")
    }

    func testMissingValueFailsNamingThePathUnlessThereIsADefault() throws {
        let m = try mapping(#"{"Amount": "contract.value.amount", "Tier__c": {"path": "contract.sla.tier_name", "default": "standard"}}"#)
        let noAmount = CRMFixtures.event(status: "signed", sequence: 2) { c in c["value"] = ["currency": "USD"] }
        XCTAssertEqual(m.resolve(noAmount).failure, MappingFailure(code: "missing_value", message: "event has no value at contract.value.amount (mapped to Amount)"))
        // An explicit null is missing too: writing it would wipe the CRM field.
        let note = try mapping(#"{"Description": "contract.note"}"#)
        let nullNote = CRMFixtures.event(status: "signed", sequence: 2) { c in c["note"] = .null }
        XCTAssertEqual(note.resolve(nullNote).failure?.message, "event has no value at contract.note (mapped to Description)")
        XCTAssertEqual(try values(m, CRMFixtures.event(status: "signed", sequence: 2)), #"{"Amount":"48000.00","Tier__c":"standard"}"#)
    }

    func testUnmappedValueWithoutDefaultAndNonScalarValuesFail() throws {
        let m = try mapping(#"{"StageName": {"path": "contract.status", "map": {"executed": "Closed Won"}}}"#)
        XCTAssertEqual(m.resolve(CRMFixtures.event(status: "voided", sequence: 9)).failure?.message,
                       #"value at contract.status (mapped to StageName) "voided" has no entry in the mapping's "map" and there is no "default""#)
        let sla = try mapping(#"{"SLA__c": "contract.sla"}"#)
        XCTAssertEqual(sla.resolve(CRMFixtures.event(status: "signed", sequence: 2)).failure?.message,
                       "value at contract.sla (mapped to SLA__c) is an object, not a single value")
    }

    func testMapMatchesNumbersAsText() throws {
        let m = try mapping(#"{"Phase__c": {"path": "contract.sequence", "map": {"4": "fourth"}}}"#)
        XCTAssertEqual(try values(m, CRMFixtures.event(status: "executed", sequence: 4)), #"{"Phase__c":"fourth"}"#)
    }

    func testDateFormats() {
        XCTAssertEqual(ValueFormat.date.apply("2026-11-21T23:30:00-05:00"), "2026-11-21")
        XCTAssertEqual(ValueFormat.date.apply("2027-11-30"), "2027-11-30")
        XCTAssertEqual(ValueFormat.datetime.apply("2026-11-21T23:30:00-05:00"), "2026-11-22T04:30:00.000Z")
        XCTAssertEqual(ValueFormat.datetime.apply("2027-11-30"), "2027-11-30T00:00:00.000Z")
        XCTAssertEqual(ValueFormat.epochMillis.apply("2027-11-30"), .number("1827532800000"))
        XCTAssertEqual(ValueFormat.epochMillis.apply("2026-11-21T10:15:00.250Z"), .number("1795256100250"))
        XCTAssertNil(ValueFormat.date.apply("30/11/2027"))
        XCTAssertNil(ValueFormat.date.apply(.number("20271130")))
    }

    func testUnparseableDateFailsNamingThePath() throws {
        let m = try mapping(#"{"CloseDate": {"path": "contract.renew_by", "format": "date"}}"#)
        let event = CRMFixtures.event(status: "executed", sequence: 4) { c in c["renew_by"] = "next year" }
        XCTAssertEqual(m.resolve(event).failure?.message,
                       #"value at contract.renew_by (mapped to CloseDate) "next year" is not a date or RFC 3339 date-time (format date)"#)
    }

    func testRecordTargetValue() {
        XCTAssertEqual(try RecordTarget.recordID(path: "contract.customer.crm_ref").value(in: CRMFixtures.event(status: "sent", sequence: 1)).get(),
                       "006Dn00000AbCdEIAV")
        let noRef = CRMFixtures.event(status: "sent", sequence: 1) { c in c["customer"] = ["id": "cust_9"] }
        XCTAssertEqual(RecordTarget.recordID(path: "contract.customer.crm_ref").value(in: noRef).failure?.message,
                       "event has no value at contract.customer.crm_ref")
        let empty = CRMFixtures.event(status: "sent", sequence: 1, crmRef: "")
        XCTAssertEqual(RecordTarget.recordID(path: "contract.customer.crm_ref").value(in: empty).failure?.code, "invalid_value")
    }

    func testPathSegmentsAndFormsAreEncoded() {
        XCTAssertEqual(URLEncoding.pathSegment("ctr 42/ä?#"), "ctr%2042%2F%C3%A4%3F%23")
        XCTAssertEqual(String(decoding: URLEncoding.form([("grant_type", "client_credentials"), ("client_secret", "a+b&c=d")]), as: UTF8.self),
                       "grant_type=client_credentials&client_secret=a%2Bb%26c%3Dd")
    }
}

extension Result {
    var failure: Failure? {
        if case .failure(let f) = self { return f }
        return nil
    }
}
