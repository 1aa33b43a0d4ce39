import CRMSync
import InkBridgeCore
import InkBridgeSandbox
import XCTest

/// `crm.hubspot` against the local HubSpot emulator over libcurl: what reaches the portal.
final class HubSpotConnectorTests: HubSpotTestCase {
    func testStatusSequenceLeavesTheRenewedValuesAndSendsExactRequests() async throws {
        let connector = try connector()
        let steps = [("sent", "40000.00", "2027-11-30"), ("signed", "45000.00", "2027-11-30"),
                     ("executed", "48000.00", "2027-11-30"), ("renewed", "52000.00", "2028-11-30")]
        for (i, (status, amount, expiry)) in steps.enumerated() {
            let outcome = await connector.deliver(event(status, i + 1, amount: amount, expiry: expiry))
            assertSuccess(outcome)
            XCTAssertEqual(outcome.detail, "PATCH deals/18250467321: 200")
        }
        let deal = try XCTUnwrap(hs.record("deals", id: "18250467321"))
        XCTAssertEqual(deal.properties.entries.map { "\($0.key)=\($0.value.jsonText)" }, [
            #"dealname="Acme Manufacturing - Gold Support""#, #"dealstage="closedwon""#, #"amount="52000.00""#,
            #"contract_status="renewed""#, #"contract_expiry_date="1859155200000""#,
        ])
        let log = hs.requests.all
        XCTAssertEqual(log.map { "\($0.method) \($0.path)" }, Array(repeating: "PATCH /crm/v3/objects/deals/18250467321", count: 4))
        for r in log {
            XCTAssertEqual(r.header("Authorization"), "Bearer \(hs.accessToken)")
            XCTAssertEqual(r.header("Content-Type"), "application/json")
        }
        XCTAssertEqual(log.map(\.bodyText), [
            #"{"properties":{"contract_status":"sent","amount":"40000.00","dealstage":"contractsent","contract_expiry_date":"1827532800000"}}"#,
            #"{"properties":{"contract_status":"signed","amount":"45000.00","dealstage":"contractsent","contract_expiry_date":"1827532800000"}}"#,
            #"{"properties":{"contract_status":"executed","amount":"48000.00","dealstage":"closedwon","contract_expiry_date":"1827532800000"}}"#,
            #"{"properties":{"contract_status":"renewed","amount":"52000.00","dealstage":"closedwon","contract_expiry_date":"1859155200000"}}"#,
        ])
    }

    func testBatchUpsertCreatesOnceThenUpdatesAndRepeatsNeverDuplicate() async throws {
        let connector = try connector(target: #""upsert": {"property": "contract_id", "path": "contract.id"}"#)
        let delivery = event("executed", 3, contractID: "ctr_77")
        let first = await connector.deliver(delivery)
        assertSuccess(first)
        XCTAssertEqual(first.detail, "POST deals/batch/upsert contract_id=ctr_77: 200 created")
        let again = await connector.deliver(delivery)
        XCTAssertEqual(again.detail, "POST deals/batch/upsert contract_id=ctr_77: 200 updated")
        assertSuccess(await connector.deliver(event("renewed", 4, amount: "52000.00", contractID: "ctr_77")))

        let deals = hs.records("deals", where: "contract_id", equals: "ctr_77")
        XCTAssertEqual(deals.count, 1)
        XCTAssertEqual(deals.first?["contract_status"], "renewed")
        let posts = hs.requests.all
        XCTAssertEqual(posts.map { "\($0.method) \($0.path)" }, Array(repeating: "POST /crm/v3/objects/deals/batch/upsert", count: 3))
        XCTAssertEqual(posts[0].bodyText, #"{"inputs":[{"idProperty":"contract_id","id":"ctr_77","properties":{"#
                           + #""contract_status":"executed","amount":"48000.00","dealstage":"closedwon","contract_expiry_date":"1827532800000"}}]}"#)
    }

    func testNumbersBooleansAndNullBecomePropertyStrings() async throws {
        let connector = try connector(fields: #"{"contract_sequence": "contract.sequence", "description": {"const": null}, "pipeline": {"const": true}}"#)
        assertSuccess(await connector.deliver(event("signed", 7)))
        XCTAssertEqual(hs.requests.all.first?.bodyText, #"{"properties":{"contract_sequence":"7","description":"","pipeline":"true"}}"#)
    }

    func testMissingMappedValueIsPermanentAndSendsNothing() async throws {
        let connector = try connector(fields: #"{"contract_sla_tier": "contract.sla.level"}"#)
        let outcome = await connector.deliver(event("signed", 2))
        XCTAssertEqual(outcome.kind, .permanent)
        XCTAssertEqual(outcome.error, DeliveryError(code: "missing_value", message: "event has no value at contract.sla.level (mapped to contract_sla_tier)"))
        XCTAssertEqual(hs.requests.count, 0)
    }

    func testUnknownPropertyIsPermanentWithHubSpotsMessage() async throws {
        let connector = try connector(fields: #"{"contract_status": "contract.status", "bogus_prop": "contract.kind"}"#)
        let outcome = await connector.deliver(event("signed", 2))
        XCTAssertEqual(outcome.kind, .permanent)
        XCTAssertEqual(outcome.httpStatus, 400)
        let message = try XCTUnwrap(outcome.error?.message)
        XCTAssertTrue(message.hasPrefix(#"PATCH deals/18250467321: 400 VALIDATION_ERROR: Property values were not valid: [{"isValid":false,"message":"Property \"bogus_prop\" does not exist""#), message)
        XCTAssertTrue(message.contains("(correlationId "), message)
    }

    func testUnknownDealIsPermanentAndBadTokenIsPermanentAuth() async throws {
        let connector = try connector()
        let missing = await connector.deliver(CRMFixtures.delivery(CRMFixtures.event(status: "sent", sequence: 1, crmRef: "999")))
        XCTAssertEqual(missing.kind, .permanent)
        XCTAssertTrue(missing.error?.message.hasPrefix("PATCH deals/999: 404 OBJECT_NOT_FOUND: resource not found (correlationId ") == true)

        let text = """
            {"id": "crm", "type": "crm.hubspot",
             "settings": {"base_url": "\(hs.baseURL)", "object_type": "deals", "record_ref": "contract.customer.crm_ref",
                          "fields": {"contract_status": "contract.status"}},
             "secrets": {"access_token": {"env": "HS_TOKEN"}}}
            """
        let wrong = try CRMFixtures.connector(CRMFixtures.load(connectors: text, env: ["HS_TOKEN": "pat-na1-revoked-token"]), http: http)
        let denied = await wrong.deliver(event("sent", 1))
        XCTAssertEqual(denied.kind, .permanent)
        XCTAssertEqual(denied.error?.code, "auth")
        XCTAssertEqual(denied.httpStatus, 401)
    }
}
