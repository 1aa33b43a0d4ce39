import CRMSync
import InkBridgeCore
import InkBridgeSandbox
import XCTest

/// The access token is shared by concurrent deliveries: one token request in
/// flight at a time, one refresh per expiry, whatever the concurrency.
final class SalesforceTokenTests: SalesforceTestCase {
    override func emulatorConfiguration() -> SalesforceEmulator.Configuration {
        var c = SalesforceEmulator.Configuration()
        // A slow token endpoint, so every concurrent delivery arrives while the request is in flight.
        c.tokenLatency = 0.3
        return c
    }

    func deliverConcurrently(_ connector: any Connector, count: Int, sequence: Int, status: String) async -> [DeliveryOutcome] {
        await withTaskGroup(of: DeliveryOutcome.self) { group in
            for i in 0..<count {
                let event = CRMFixtures.event(status: status, sequence: sequence, contractID: "ctr_\(i)")
                group.addTask { await connector.deliver(CRMFixtures.delivery(event)) }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
    }

    func testFiftyConcurrentDeliveriesShareOneTokenAndOneRefreshAfterExpiry() async throws {
        let connector = try connector(target: #""upsert": {"field": "Contract_Id__c", "path": "contract.id"}"#)

        let first = await deliverConcurrently(connector, count: 50, sequence: 1, status: "sent")
        XCTAssertEqual(first.filter { $0.kind == .success }.count, 50, "\(first.compactMap(\.error))")
        XCTAssertEqual(sf.tokenRequestCount, 1, "a cold start fetches one token for all 50")

        sf.expireAllTokens()
        let second = await deliverConcurrently(connector, count: 50, sequence: 2, status: "signed")
        XCTAssertEqual(second.filter { $0.kind == .success }.count, 50, "\(second.compactMap(\.error))")
        XCTAssertEqual(sf.tokenRequestCount, 2, "exactly one refresh after the expiry")
        XCTAssertEqual(sf.maxConcurrentTokenRequests, 1)

        // Every contract's record carries the second status; no duplicates.
        for i in 0..<50 {
            let records = sf.records("Opportunity", where: "Contract_Id__c", equals: "ctr_\(i)")
            XCTAssertEqual(records.map { $0["Contract_Status__c"] }, ["signed"], "ctr_\(i)")
        }
        // The expired token was refused at least once, and every request after the refresh used the new token.
        let patches = sf.requests.matching(method: "PATCH")
        let tokens = patches.map(bearer)
        XCTAssertEqual(Set(tokens).count, 2)
        XCTAssertGreaterThan(patches.count, 100, "deliveries holding the old token were refused and retried")
        XCTAssertLessThanOrEqual(patches.count, 150)
    }

    func testLate401sForTheOldTokenDoNotDiscardTheNewOne() async throws {
        // A second org whose REST answers are spread over half a second and whose
        // token endpoint is fast: most 401s for the expired token arrive after the
        // refresh has completed, and must not throw the fresh token away.
        var c = SalesforceEmulator.Configuration()
        c.dataLatency = 0...0.5
        sf.stop()
        sf = try SalesforceEmulator(c)
        let connector = try connector(target: #""upsert": {"field": "Contract_Id__c", "path": "contract.id"}"#)
        assertSuccess(await connector.deliver(CRMFixtures.delivery(CRMFixtures.event(status: "sent", sequence: 1))), status: 201)
        sf.expireAllTokens()
        let outcomes = await deliverConcurrently(connector, count: 50, sequence: 2, status: "signed")
        XCTAssertEqual(outcomes.filter { $0.kind == .success }.count, 50, "\(outcomes.compactMap(\.error))")
        XCTAssertEqual(sf.tokenRequestCount, 2)
    }

    func testTokenExpiryMidSequenceRefreshesOnceAndRetriesTheSameRequest() async throws {
        let connector = try connector()
        assertSuccess(await connector.deliver(CRMFixtures.delivery(CRMFixtures.event(status: "sent", sequence: 1))), status: 204)
        sf.expireAllTokens()
        let outcome = await connector.deliver(CRMFixtures.delivery(CRMFixtures.event(status: "signed", sequence: 2)))
        assertSuccess(outcome, status: 204)
        let log = sf.requests.all
        XCTAssertEqual(log.map { "\($0.method) \($0.path)" }, [
            "POST /services/oauth2/token", "PATCH /services/data/v60.0/sobjects/Opportunity/006Dn00000AbCdEIAV",
            "PATCH /services/data/v60.0/sobjects/Opportunity/006Dn00000AbCdEIAV", "POST /services/oauth2/token",
            "PATCH /services/data/v60.0/sobjects/Opportunity/006Dn00000AbCdEIAV",
        ])
        // The retried request is the same request with the new token.
        XCTAssertEqual(log[2].bodyText, log[4].bodyText)
        XCTAssertNotEqual(bearer(log[2]), bearer(log[4]))
        XCTAssertEqual(sf.record("Opportunity", id: "006Dn00000AbCdEIAV")?["Contract_Status__c"], "signed")
    }

    func testTokenThatKeepsFailingIsRefreshedOnlyOnceThenPermanent() async throws {
        let connector = try connector()
        // Salesforce answers INVALID_SESSION_ID also for sessions no refresh can heal.
        let invalid = #"[{"message":"This session is not valid for use with the REST API","errorCode":"INVALID_SESSION_ID"}]"#
        sf.failNext(2, with: .response(status: 401, headers: [("Content-Type", "application/json")], body: invalid))
        let outcome = await connector.deliver(CRMFixtures.delivery(CRMFixtures.event(status: "sent", sequence: 1)))
        XCTAssertEqual(outcome.kind, .permanent)
        XCTAssertEqual(outcome.error?.code, "auth")
        XCTAssertEqual(sf.tokenRequestCount, 2)
        XCTAssertEqual(sf.requests.matching(method: "PATCH").count, 2)
    }

    func testRefusedClientCredentialsArePermanentWithoutLeakingTheSecret() async throws {
        let env = ["SF_ID": sf.credentials.clientID, "SF_SECRET": "wrong-secret-value-1234"]
        let text = """
            {"id": "crm", "type": "crm.salesforce",
             "settings": {"instance_url": "\(sf.baseURL)", "object": "Opportunity", "record_ref": "contract.customer.crm_ref",
                          "fields": {"Contract_Status__c": "contract.status"}},
             "secrets": {"client_id": {"env": "SF_ID"}, "client_secret": {"env": "SF_SECRET"}}}
            """
        let connector = try CRMFixtures.connector(CRMFixtures.load(connectors: text, env: env), http: http)
        let outcome = await connector.deliver(CRMFixtures.delivery(CRMFixtures.event(status: "sent", sequence: 1)))
        XCTAssertEqual(outcome.kind, .permanent)
        XCTAssertEqual(outcome.httpStatus, 400)
        XCTAssertEqual(outcome.error?.code, "auth")
        XCTAssertEqual(outcome.error?.message,
                       "token request to \(sf.tokenURL) answered 400: invalid_client (invalid client credentials)")
        XCTAssertEqual(sf.requests.matching(method: "PATCH").count, 0)
        XCTAssertFalse((outcome.responseExcerpt ?? "").contains("wrong-secret-value-1234"))
        // The secret did go to the token endpoint, and only there.
        XCTAssertTrue(sf.requests.all[0].bodyText.hasSuffix("&client_secret=wrong-secret-value-1234"))
    }

    func testTokenEndpointOutageIsRetried() async throws {
        let connector = try connector()
        sf.failNext(with: .serviceUnavailable(retryAfter: "30"), on: .token)
        let before = Date()
        let outcome = await connector.deliver(CRMFixtures.delivery(CRMFixtures.event(status: "sent", sequence: 1)))
        guard case .retry(let notBefore?) = outcome.kind else { return XCTFail("expected a retry with a time, got \(outcome)") }
        XCTAssertGreaterThanOrEqual(notBefore.timeIntervalSince(before), 30)
        // The failure is not cached: the next delivery fetches a token and succeeds.
        assertSuccess(await connector.deliver(CRMFixtures.delivery(CRMFixtures.event(status: "sent", sequence: 1))), status: 204)
    }
}
