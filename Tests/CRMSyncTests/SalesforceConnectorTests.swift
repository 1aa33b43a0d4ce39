import CRMSync
import InkBridgeCore
import InkBridgeSandbox
import XCTest

/// `crm.salesforce` against the local Salesforce emulator over libcurl: what reaches the org.
final class SalesforceConnectorTests: SalesforceTestCase {
    func testStatusSequenceLeavesTheRenewedValuesAndSendsExactRequests() async throws {
        let connector = try connector()
        let sequence: [(String, String, String)] = [("sent", "40000.00", "2027-11-30"), ("signed", "45000.00", "2027-11-30"),
                                                    ("executed", "48000.00", "2027-11-30"), ("renewed", "52000.00", "2028-11-30")]
        for (i, (status, amount, expiry)) in sequence.enumerated() {
            let event = CRMFixtures.event(status: status, sequence: i + 1, amount: amount, expiry: expiry)
            let outcome = await connector.deliver(CRMFixtures.delivery(event))
            assertSuccess(outcome, status: 204)
            XCTAssertEqual(outcome.detail, "PATCH Opportunity/006Dn00000AbCdEIAV: 204")
        }

        let record = try XCTUnwrap(sf.record("Opportunity", id: "006Dn00000AbCdEIAV"))
        XCTAssertEqual(record.fields.entries.map { "\($0.key)=\($0.value.jsonText)" }, [
            #"Name="Acme Manufacturing - Gold Support""#, #"StageName="Closed Won""#, #"Amount="52000.00""#,
            #"Contract_Status__c="renewed""#, #"Contract_Expiry__c="2028-11-30""#,
        ])

        let log = sf.requests.all
        XCTAssertEqual(log.map { "\($0.method) \($0.path)" }, ["POST /services/oauth2/token"]
            + Array(repeating: "PATCH /services/data/v60.0/sobjects/Opportunity/006Dn00000AbCdEIAV", count: 4))
        let token = log[0]
        XCTAssertEqual(token.header("Content-Type"), "application/x-www-form-urlencoded")
        XCTAssertEqual(token.bodyText, "grant_type=client_credentials&client_id=3MVG9sandbox.client.id&client_secret=sandbox-client-secret-7f3a")
        let patches = Array(log.dropFirst())
        XCTAssertEqual(Set(patches.map(bearer)).count, 1, "one token serves every delivery")
        XCTAssertTrue(bearer(patches[0]).hasPrefix("Bearer 00DSBX"))
        for p in patches {
            XCTAssertEqual(p.header("Content-Type"), "application/json")
            XCTAssertEqual(p.header("Accept"), "application/json")
            XCTAssertNil(p.header("Idempotency-Key"))
        }
        XCTAssertEqual(patches.map(\.bodyText), [
            #"{"Contract_Status__c":"sent","Amount":"40000.00","StageName":"Proposal/Price Quote","Contract_Expiry__c":"2027-11-30"}"#,
            #"{"Contract_Status__c":"signed","Amount":"45000.00","StageName":"Negotiation/Review","Contract_Expiry__c":"2027-11-30"}"#,
            #"{"Contract_Status__c":"executed","Amount":"48000.00","StageName":"Closed Won","Contract_Expiry__c":"2027-11-30"}"#,
            #"{"Contract_Status__c":"renewed","Amount":"52000.00","StageName":"Closed Won","Contract_Expiry__c":"2028-11-30"}"#,
        ])
    }

    func testRefreshTokenFlowIsUsedWhenARefreshTokenIsConfigured() async throws {
        let connector = try connector(refreshToken: true)
        assertSuccess(await connector.deliver(CRMFixtures.delivery(CRMFixtures.event(status: "signed", sequence: 2))), status: 204)
        let token = try XCTUnwrap(sf.requests.matching(pathPrefix: "/services/oauth2/token").first)
        XCTAssertEqual(token.bodyText, "grant_type=refresh_token&refresh_token=5Aep861sandbox.refresh.token"
                           + "&client_id=3MVG9sandbox.client.id&client_secret=sandbox-client-secret-7f3a")
    }

    func testUpsertByExternalIDCreatesOnceThenUpdatesAndRepeatsNeverDuplicate() async throws {
        let connector = try connector(target: #""upsert": {"field": "Contract_Id__c", "path": "contract.id"}"#)
        let delivery = CRMFixtures.delivery(CRMFixtures.event(status: "executed", sequence: 4, contractID: "ctr_77"))

        let first = await connector.deliver(delivery)
        assertSuccess(first, status: 201)
        XCTAssertEqual(first.detail, "PATCH Opportunity/Contract_Id__c/ctr_77: 201 created")
        // The same delivery again (a retry after a crash), and once more.
        assertSuccess(await connector.deliver(delivery), status: 200)
        assertSuccess(await connector.deliver(delivery), status: 200)

        let records = sf.records("Opportunity", where: "Contract_Id__c", equals: "ctr_77")
        XCTAssertEqual(records.count, 1)
        XCTAssertEqual(records.first?["Contract_Status__c"], "executed")
        let patches = sf.requests.matching(method: "PATCH")
        XCTAssertEqual(patches.map(\.path), Array(repeating: "/services/data/v60.0/sobjects/Opportunity/Contract_Id__c/ctr_77", count: 3))
        XCTAssertEqual(patches[0].bodyText,
                       #"{"Contract_Status__c":"executed","Amount":"48000.00","StageName":"Closed Won","Contract_Expiry__c":"2027-11-30"}"#)
    }

    func testUpsertOnAnOlderAPIVersionUpdatesWith204() async throws {
        let connector = try connector(target: #""upsert": {"field": "Contract_Id__c", "path": "contract.id"}"#,
                                      extraSettings: #""api_version": "v45.0","#)
        let delivery = CRMFixtures.delivery(CRMFixtures.event(status: "signed", sequence: 2, contractID: "ctr/8 a"))
        assertSuccess(await connector.deliver(delivery), status: 201)
        assertSuccess(await connector.deliver(delivery), status: 204)
        XCTAssertEqual(sf.records("Opportunity", where: "Contract_Id__c", equals: "ctr/8 a").count, 1)
        // The external id is one path segment however odd its characters.
        XCTAssertEqual(sf.requests.matching(method: "PATCH").first?.path,
                       "/services/data/v45.0/sobjects/Opportunity/Contract_Id__c/ctr%2F8%20a")
    }

    func testMissingMappedValueIsPermanentNamesThePathAndSendsNothing() async throws {
        let connector = try connector()
        let event = CRMFixtures.event(status: "signed", sequence: 2) { c in c["value"] = ["currency": "USD"] }
        let outcome = await connector.deliver(CRMFixtures.delivery(event))
        XCTAssertEqual(outcome.kind, .permanent)
        XCTAssertEqual(outcome.error, DeliveryError(code: "missing_value", message: "event has no value at contract.value.amount (mapped to Amount)"))
        let noRef = CRMFixtures.event(status: "signed", sequence: 2) { c in c["customer"] = ["id": "cust_9"] }
        let second = await connector.deliver(CRMFixtures.delivery(noRef))
        XCTAssertEqual(second.error?.message, "event has no value at contract.customer.crm_ref")
        XCTAssertEqual(sf.requests.count, 0, "nothing reaches Salesforce, not even a token request")
    }

    func testInvalidFieldIsPermanentWithSalesforcesMessage() async throws {
        let connector = try connector(fields: #"{"Contract_Status__c": "contract.status", "Bogus__c": "contract.kind"}"#)
        let outcome = await connector.deliver(CRMFixtures.delivery(CRMFixtures.event(status: "signed", sequence: 2)))
        XCTAssertEqual(outcome.kind, .permanent)
        XCTAssertEqual(outcome.httpStatus, 400)
        XCTAssertEqual(outcome.error, DeliveryError(code: "http_status", message:
            "PATCH Opportunity/006Dn00000AbCdEIAV: 400 INVALID_FIELD: No such column 'Bogus__c' on sobject of type Opportunity"))
        XCTAssertEqual(outcome.responseExcerpt,
                       #"[{"message":"No such column 'Bogus__c' on sobject of type Opportunity","errorCode":"INVALID_FIELD","fields":[]}]"#)
        XCTAssertEqual(sf.record("Opportunity", id: "006Dn00000AbCdEIAV")?["Contract_Status__c"], nil)
    }

    func testMalformedAndUnknownRecordIDsArePermanent() async throws {
        let connector = try connector()
        let malformed = await connector.deliver(CRMFixtures.delivery(CRMFixtures.event(status: "sent", sequence: 1, crmRef: "not-an-id")))
        XCTAssertEqual(malformed.kind, .permanent)
        XCTAssertEqual(malformed.error?.message,
                       "PATCH Opportunity/not-an-id: 400 MALFORMED_ID: Opportunity id value of incorrect type: not-an-id (fields: Id)")
        let unknown = await connector.deliver(CRMFixtures.delivery(CRMFixtures.event(status: "sent", sequence: 1, crmRef: "006Dn00000ZzZzZIAV")))
        XCTAssertEqual(unknown.kind, .permanent)
        XCTAssertEqual(unknown.httpStatus, 404)
        XCTAssertEqual(unknown.error?.message, "PATCH Opportunity/006Dn00000ZzZzZIAV: 404 NOT_FOUND: The requested resource does not exist")
    }
}
