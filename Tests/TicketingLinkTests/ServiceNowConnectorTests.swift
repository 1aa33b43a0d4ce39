import XCTest
import InkBridgeCore
import InkBridgeSandbox
@testable import TicketingLink

/// `ticketing.servicenow` against the ServiceNow emulator over real HTTP.
final class ServiceNowConnectorTests: XCTestCase {
    var sn: ServiceNowEmulator!
    var harness: TicketingHarness!
    var connector: (any Connector)!
    let table = "service_entitlement"
    let key = "inkbridge:acme:ctr_42"

    override func setUpWithError() throws {
        var config = ServiceNowEmulator.Configuration()
        config.tables = ["service_entitlement", "u_sla_entitlement"]
        sn = try ServiceNowEmulator(config)
        harness = TicketingHarness()
        // Another tenant's entitlement for a contract with the same id must never be touched.
        sn.addRecord(table, fields: ["correlation_id": "inkbridge:other:ctr_42", "active": "true", "account": "77"])
        connector = try makeConnector()
    }

    override func tearDown() {
        sn.stop()
        harness = nil
    }

    var basic: [String: String] { ["username": sn.configuration.username, "password": sn.configuration.password] }
    var oauth: [String: String] { ["client_id": sn.configuration.clientID, "client_secret": sn.configuration.clientSecret] }

    func makeConnector(secrets: [String: String]? = nil, settings extra: [(String, JSON)] = []) throws -> any Connector {
        var settings = JSONObject([("instance_url", .string(sn.baseURL)), ("contract_url", "https://clm.example.com/contracts/{contract.id}")])
        for (k, v) in extra { settings[k] = v }
        return try harness.connector(type: "ticketing.servicenow", settings: .object(settings), secrets: secrets ?? basic)
    }

    func deliver(_ status: String, sequence: Int = 1, targets: JSON = TicketingEvents.goldTargets, ref: JSON? = "361",
                 occurredAt: String = "2026-11-21T10:15:00Z") async -> DeliveryOutcome {
        let event = TicketingEvents.event(status: status, sequence: sequence, ticketingRef: ref, targets: targets, occurredAt: occurredAt)
        return await connector.deliver(TicketingEvents.delivery(event))
    }

    var ours: [ServiceNowRecord] { sn.records(table).filter { $0["correlation_id"] == key } }

    func testExecutedCreatesOneRecordFoundByItsCorrelationKey() async throws {
        let outcome = await deliver("executed")
        XCTAssertTrue(outcome.isSuccess, "\(outcome)")
        XCTAssertEqual(outcome.httpStatus, 201)
        XCTAssertEqual(ours.count, 1)
        let r = try XCTUnwrap(ours.first)
        XCTAssertEqual(r["account"], "361")
        XCTAssertEqual(r["entitlement_name"], "Gold Support and Maintenance Agreement - SLA gold")
        XCTAssertEqual(r["start_date"], "2026-12-01")
        XCTAssertEqual(r["end_date"], "2027-11-30")
        XCTAssertEqual(r["active"], "true")
        XCTAssertEqual(r["u_sla_tier"], "gold")
        XCTAssertEqual(r["u_business_hours"], "24x7")
        XCTAssertEqual(r["u_contract_url"], "https://clm.example.com/contracts/ctr_42")
        XCTAssertEqual(r["u_sla_targets"].flatMap { try? JSONParser.parse($0) }, TicketingEvents.goldTargets)

        let lines = sn.requests.all.map(\.line)
        XCTAssertEqual(lines, ["GET /api/now/table/service_entitlement", "POST /api/now/table/service_entitlement"])
        let lookup = sn.requests.all[0]
        XCTAssertEqual(lookup.queryValue("sysparm_query"), "correlation_id=\(key)")
        XCTAssertEqual(lookup.queryValue("sysparm_limit"), "1")
        let auth = "Basic " + Data("\(sn.configuration.username):\(sn.configuration.password)".utf8).base64EncodedString()
        XCTAssertTrue(sn.requests.all.allSatisfy { $0.header("Authorization") == auth })
        XCTAssertEqual(sn.records(table).first?["active"], "true", "the other tenant's record is untouched")
    }

    func testRepeatAndRenewalPatchTheSameRecord() async throws {
        _ = await deliver("executed")
        let sysID = try XCTUnwrap(ours.first?.sysID)
        let repeated = await deliver("executed")
        XCTAssertTrue(repeated.isSuccess, "\(repeated)")
        XCTAssertEqual(ours.count, 1, "a repeat must not create a second record")

        let platinum: JSON = [["severity": "P1", "first_response_minutes": 15, "resolution_minutes": 120]]
        let renewed = await deliver("renewed", sequence: 2, targets: platinum)
        XCTAssertTrue(renewed.isSuccess, "\(renewed)")
        XCTAssertEqual(ours.map(\.sysID), [sysID])
        XCTAssertEqual(ours.first?["u_sla_targets"].flatMap { try? JSONParser.parse($0) }, platinum, "targets replaced, not appended")
        XCTAssertEqual(sn.requests.matching(method: "PATCH").map(\.path),
                       Array(repeating: "/api/now/table/service_entitlement/\(sysID)", count: 2))
        XCTAssertEqual(sn.requests.matching(method: "POST").count, 1)
    }

    func testExpiryDeactivatesAndEndsOnTheEventsDate() async throws {
        _ = await deliver("executed")
        let outcome = await deliver("expired", sequence: 2, occurredAt: "2027-11-30T23:59:30Z")
        XCTAssertTrue(outcome.isSuccess, "\(outcome)")
        let r = try XCTUnwrap(ours.first)
        XCTAssertEqual(r["active"], "false")
        XCTAssertEqual(r["end_date"], "2027-11-30")
        XCTAssertEqual(r["u_sla_tier"], "gold", "a revoke only deactivates")
        XCTAssertEqual(sn.requests.matching(method: "PATCH").last?.bodyJSON, ["active": "false", "end_date": "2027-11-30"])
    }

    func testRevokingWithoutARecordCreatesNothing() async {
        let outcome = await deliver("voided")
        XCTAssertTrue(outcome.isSuccess, "\(outcome)")
        XCTAssertTrue(ours.isEmpty)
        XCTAssertEqual(sn.requests.matching(method: "POST").count, 0)
    }

    func testOAuthTokenIsReusedAndRenewedAfterA401() async throws {
        connector = try makeConnector(secrets: oauth)
        let first = await deliver("executed")
        XCTAssertTrue(first.isSuccess, "\(first)")
        let second = await deliver("renewed", sequence: 2)
        XCTAssertTrue(second.isSuccess, "\(second)")
        XCTAssertEqual(sn.tokenRequestCount, 1, "one token for both deliveries")
        let tokenRequest = try XCTUnwrap(sn.requests.matching(pathPrefix: "/oauth_token.do").first)
        XCTAssertEqual(tokenRequest.header("Content-Type"), "application/x-www-form-urlencoded")
        XCTAssertEqual(tokenRequest.bodyText, "grant_type=client_credentials&client_id=\(sn.configuration.clientID)&client_secret=\(sn.configuration.clientSecret)")
        XCTAssertTrue(sn.requests.matching(pathPrefix: "/api/now").allSatisfy { $0.header("Authorization")?.hasPrefix("Bearer sn-access-") == true })

        sn.expireAllTokens()
        let third = await deliver("expired", sequence: 3)
        XCTAssertTrue(third.isSuccess, "\(third)")
        XCTAssertEqual(sn.tokenRequestCount, 2, "a refused token is replaced once")
        XCTAssertEqual(ours.first?["active"], "false")
    }

    func testOAuthWithAUserUsesThePasswordGrant() async throws {
        connector = try makeConnector(secrets: basic.merging(oauth) { a, _ in a })
        let outcome = await deliver("executed")
        XCTAssertTrue(outcome.isSuccess, "\(outcome)")
        let form = try XCTUnwrap(sn.requests.matching(pathPrefix: "/oauth_token.do").first?.bodyText)
        XCTAssertTrue(form.hasPrefix("grant_type=password&"), form)
    }

    func testBadClientSecretIsPermanentWithoutLeakingIt() async throws {
        connector = try makeConnector(secrets: ["client_id": sn.configuration.clientID, "client_secret": "not-the-secret"])
        let outcome = await deliver("executed")
        XCTAssertTrue(outcome.isPermanent)
        XCTAssertEqual(outcome.error?.message, "ServiceNow POST /oauth_token.do answered 401: server_error: access_denied")
        XCTAssertFalse("\(outcome)".contains("not-the-secret"))
    }

    func testRateLimitRetriesNotBeforeRetryAfter() async {
        sn.failNext(1, status: 429, retryAfter: "3")
        let outcome = await deliver("executed")
        XCTAssertEqual(outcome.kind, .retry(notBefore: harness.clock.date.addingTimeInterval(3)))
        XCTAssertEqual(outcome.error?.message, "ServiceNow GET /api/now/table/service_entitlement answered 429: Rate limit exceeded: Inbound REST API rate limit")
        XCTAssertTrue(ours.isEmpty)
    }

    func testMissingAccountRefAndUnknownTableArePermanent() async throws {
        let noRef = await deliver("executed", ref: nil)
        XCTAssertTrue(noRef.isPermanent)
        XCTAssertEqual(noRef.error?.message,
                       "customer cust_9 has no ticketing reference at contract.customer.ticketing_ref (settings.account_ref), so no ServiceNow organisation can be found")

        connector = try makeConnector(settings: [("table", "u_missing_table")])
        let badTable = await deliver("executed")
        XCTAssertTrue(badTable.isPermanent)
        XCTAssertEqual(badTable.error?.message, "ServiceNow GET /api/now/table/u_missing_table answered 400: Invalid table u_missing_table")
    }

    func testCustomTableAndColumns() async throws {
        connector = try makeConnector(settings: [
            ("table", "u_sla_entitlement"), ("correlation_field", "u_key"),
            ("fields", ["u_account": "account", "u_on": "active", "u_until": "expiry_date", "u_tier": "tier"]),
        ])
        _ = await deliver("executed")
        XCTAssertEqual(sn.records("u_sla_entitlement").map(\.fields).map { $0.filter { $0.key != "sys_id" && $0.key != "sys_created_by" } },
                       [["u_key": key, "u_account": "361", "u_on": "true", "u_until": "2027-11-30", "u_tier": "gold"]])
        _ = await deliver("terminated", sequence: 2, occurredAt: "2027-03-01T08:00:00Z")
        XCTAssertEqual(sn.records("u_sla_entitlement").first?["u_on"], "false")
        XCTAssertEqual(sn.records("u_sla_entitlement").first?["u_until"], "2027-03-01")
    }
}
