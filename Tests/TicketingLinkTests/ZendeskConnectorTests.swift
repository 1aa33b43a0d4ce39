import XCTest
import InkBridgeCore
import InkBridgeSandbox
@testable import TicketingLink

/// `ticketing.zendesk` against the Zendesk emulator over real HTTP (libcurl ↔ libmicrohttpd).
final class ZendeskConnectorTests: XCTestCase {
    var zendesk: ZendeskEmulator!
    var harness: TicketingHarness!
    var connector: (any Connector)!

    /// Two per page, so the seven tickets of organisation 361 take four pages.
    override func setUpWithError() throws {
        var config = ZendeskEmulator.Configuration()
        config.maxPageSize = 2
        zendesk = try ZendeskEmulator(config)
        harness = TicketingHarness()
        zendesk.addOrganization(ZendeskOrganization(id: 361, name: "Acme Manufacturing", fields: JSONObject([("account_manager", "Dana")])))
        zendesk.addOrganization(ZendeskOrganization(id: 362, name: "Other Corp"))
        zendesk.addTicket(ZendeskTicket(id: 1, organizationID: 361, status: "new", priority: nil, tags: ["vip"]))
        zendesk.addTicket(ZendeskTicket(id: 2, organizationID: 361, status: "open", tags: ["sla_silver", "billing"]))
        zendesk.addTicket(ZendeskTicket(id: 3, organizationID: 361, status: "pending", priority: "low"))
        zendesk.addTicket(ZendeskTicket(id: 4, organizationID: 361, status: "hold"))
        zendesk.addTicket(ZendeskTicket(id: 5, organizationID: 361, status: "solved", tags: ["sla_silver"]))
        zendesk.addTicket(ZendeskTicket(id: 6, organizationID: 361, status: "open", priority: "high"))
        zendesk.addTicket(ZendeskTicket(id: 7, organizationID: 361, status: "closed"))
        zendesk.addTicket(ZendeskTicket(id: 8, organizationID: 362, status: "open"))
        connector = try makeConnector()
    }

    override func tearDown() {
        zendesk.stop()
        harness = nil
    }

    func makeConnector(secrets: [String: String]? = nil) throws -> any Connector {
        try harness.connector(type: "ticketing.zendesk", settings: [
            "base_url": .string(zendesk.baseURL),
            "email": .string(zendesk.configuration.email),
            "org_fields": ["sla_tier": "tier", "sla_contract": "contract_id", "sla_active": "active", "sla_targets": "targets",
                           "sla_expires": "expiry_date", "sla_contract_url": "contract_url"],
            "priority_by_tier": ["gold": "urgent", "platinum": "urgent", "silver": "high"],
            "contract_url": "https://clm.example.com/contracts/{contract.id}",
        ], secrets: secrets ?? ["api_token": zendesk.configuration.apiToken])
    }

    func deliver(_ status: String, sequence: Int = 1, tier: String? = "gold", targets: JSON = TicketingEvents.goldTargets,
                 ref: JSON? = "361") async -> DeliveryOutcome {
        let event = TicketingEvents.event(status: status, sequence: sequence, ticketingRef: ref, tier: tier, targets: targets)
        return await connector.deliver(TicketingEvents.delivery(event))
    }

    let openIDs: [Int64] = [1, 2, 3, 4, 6]

    func testExecutedWritesOrganisationAndTagsEveryOpenTicketAcrossPages() async throws {
        let before5 = zendesk.ticket(5), before7 = zendesk.ticket(7), before8 = zendesk.ticket(8)
        let outcome = await deliver("executed")
        XCTAssertTrue(outcome.isSuccess, "\(outcome)")

        let org = try XCTUnwrap(zendesk.organization(361))
        XCTAssertEqual(org.fields["sla_tier"], "gold")
        XCTAssertEqual(org.fields["sla_contract"], "ctr_42")
        XCTAssertEqual(org.fields["sla_active"], true)
        XCTAssertEqual(org.fields["sla_expires"], "2027-11-30")
        XCTAssertEqual(org.fields["sla_contract_url"], "https://clm.example.com/contracts/ctr_42")
        XCTAssertEqual(org.fields["sla_targets"]?.stringValue.flatMap { try? JSONParser.parse($0) }, TicketingEvents.goldTargets)
        XCTAssertEqual(org.fields["account_manager"], "Dana", "fields the mapping does not name are left alone")

        XCTAssertEqual(zendesk.ticket(1)?.tags, ["vip", "sla_gold"], "other tags kept")
        XCTAssertEqual(zendesk.ticket(2)?.tags, ["billing", "sla_gold"], "the old tier's tag replaced, others kept")
        for id in openIDs {
            XCTAssertTrue(zendesk.ticket(id)!.tags.contains("sla_gold"), "ticket \(id)")
            XCTAssertEqual(zendesk.ticket(id)?.priority, "urgent", "ticket \(id)")
        }
        XCTAssertEqual(zendesk.ticket(5), before5, "solved ticket untouched")
        XCTAssertEqual(zendesk.ticket(7), before7, "closed ticket untouched")
        XCTAssertEqual(zendesk.ticket(8), before8, "another organisation's ticket untouched")

        // Four pages, each after the first continuing from the previous page's cursor.
        let pages = zendesk.requests.matching(method: "GET", pathPrefix: "/api/v2/organizations/361/tickets")
        XCTAssertEqual(pages.count, 4)
        XCTAssertEqual(pages.map { $0.queryValue("page[size]") }, Array(repeating: "100", count: 4))
        XCTAssertNil(pages[0].queryValue("page[after]"))
        XCTAssertTrue(pages.dropFirst().allSatisfy { $0.queryValue("page[after]") != nil })

        let first = try XCTUnwrap(zendesk.requests.all.first)
        XCTAssertEqual(first.line, "PUT /api/v2/organizations/361.json", "the organisation is written first")
        let expectedAuth = "Basic " + Data("\(zendesk.configuration.email)/token:\(zendesk.configuration.apiToken)".utf8).base64EncodedString()
        XCTAssertTrue(zendesk.requests.all.allSatisfy { $0.header("Authorization") == expectedAuth })
        XCTAssertTrue(zendesk.requests.matching(pathPrefix: "/api/v2/tickets/5").isEmpty)
        XCTAssertTrue(zendesk.requests.matching(pathPrefix: "/api/v2/tickets/7").isEmpty)
    }

    func testRepeatingTheDeliveryDuplicatesNothingAndTouchesNoTicket() async throws {
        let first = await deliver("executed")
        XCTAssertTrue(first.isSuccess, "\(first)")
        let afterFirst = zendesk.tickets
        let orgAfterFirst = zendesk.organization(361)
        zendesk.requests.removeAll()

        let second = await deliver("executed")
        XCTAssertTrue(second.isSuccess, "\(second)")
        XCTAssertEqual(zendesk.tickets, afterFirst)
        XCTAssertEqual(zendesk.organization(361), orgAfterFirst)
        XCTAssertEqual(zendesk.requests.writes.map(\.line), ["PUT /api/v2/organizations/361.json"],
                       "a ticket already in the wanted state gets no request")
        for t in zendesk.tickets { XCTAssertEqual(Set(t.tags).count, t.tags.count, "ticket \(t.id) has a duplicate tag") }
    }

    func testRenewalReplacesTierAndTargets() async throws {
        _ = await deliver("executed")
        let platinum: JSON = [["severity": "P1", "first_response_minutes": 15, "resolution_minutes": 120]]
        let outcome = await deliver("renewed", sequence: 2, tier: "platinum", targets: platinum)
        XCTAssertTrue(outcome.isSuccess, "\(outcome)")
        let org = try XCTUnwrap(zendesk.organization(361))
        XCTAssertEqual(org.fields["sla_tier"], "platinum")
        XCTAssertEqual(org.fields["sla_targets"]?.stringValue.flatMap { try? JSONParser.parse($0) }, platinum)
        for id in openIDs {
            let tags = zendesk.ticket(id)!.tags
            XCTAssertTrue(tags.contains("sla_platinum") && !tags.contains("sla_gold"), "ticket \(id): \(tags)")
        }
    }

    func testExpiryRevokesOrganisationFieldsAndTierTags() async throws {
        _ = await deliver("executed")
        let outcome = await deliver("expired", sequence: 2)
        XCTAssertTrue(outcome.isSuccess, "\(outcome)")
        let org = try XCTUnwrap(zendesk.organization(361))
        for key in ["sla_tier", "sla_contract", "sla_targets", "sla_expires", "sla_contract_url"] {
            XCTAssertEqual(org.fields[key], .null, key)
        }
        XCTAssertEqual(org.fields["sla_active"], false)
        XCTAssertEqual(org.fields["account_manager"], "Dana")
        for id in openIDs { XCTAssertFalse(zendesk.ticket(id)!.tags.contains { $0.hasPrefix("sla_") }, "ticket \(id)") }
        XCTAssertEqual(zendesk.ticket(1)?.tags, ["vip"])
        XCTAssertEqual(zendesk.ticket(2)?.tags, ["billing"])
        XCTAssertEqual(zendesk.ticket(5)?.tags, ["sla_silver"], "a solved ticket keeps its history")
    }

    func testCustomerWithoutTicketingRefFailsPermanentlyWithoutCallingZendesk() async {
        let outcome = await deliver("executed", ref: nil)
        XCTAssertTrue(outcome.isPermanent)
        XCTAssertEqual(outcome.error?.code, "missing_ticketing_ref")
        XCTAssertEqual(outcome.error?.message,
                       "customer cust_9 has no ticketing reference at contract.customer.ticketing_ref (settings.org_ref), so no Zendesk organisation can be found")
        XCTAssertEqual(zendesk.requests.count, 0)
    }

    func testUnknownOrganisationFailsPermanentlyWithZendesksMessage() async {
        let outcome = await deliver("executed", ref: "999")
        XCTAssertTrue(outcome.isPermanent)
        XCTAssertEqual(outcome.httpStatus, 404)
        XCTAssertEqual(outcome.error?.code, "http_status")
        XCTAssertEqual(outcome.error?.message, "Zendesk PUT /api/v2/organizations/999.json answered 404: RecordNotFound: Not found")
        XCTAssertEqual(outcome.responseExcerpt, #"{"error":"RecordNotFound","description":"Not found"}"#)
    }

    func testRateLimitRetriesNotBeforeRetryAfterThenSucceeds() async {
        zendesk.failNext(1, status: 429, retryAfter: "7", pathPrefix: "/api/v2/organizations/361/tickets")
        let outcome = await deliver("executed")
        XCTAssertEqual(outcome.kind, .retry(notBefore: harness.clock.date.addingTimeInterval(7)))
        XCTAssertEqual(outcome.httpStatus, 429)
        XCTAssertEqual(outcome.error?.message,
                       "Zendesk GET /api/v2/organizations/361/tickets.json answered 429: Number of allowed API requests per minute exceeded")
        // The retry starts over and completes.
        let retry = await deliver("executed")
        XCTAssertTrue(retry.isSuccess, "\(retry)")
        for id in openIDs { XCTAssertTrue(zendesk.ticket(id)!.tags.contains("sla_gold")) }
    }

    func testATicketDeletedSinceTheListingIsSkipped() async {
        zendesk.failNext(1, status: 404, retryAfter: nil, pathPrefix: "/api/v2/tickets/3/")
        let outcome = await deliver("executed")
        XCTAssertTrue(outcome.isSuccess, "\(outcome)")
        XCTAssertTrue(outcome.detail?.hasSuffix("4 of 5 open tickets updated") == true, "\(outcome)")
        for id in openIDs where id != 3 { XCTAssertTrue(zendesk.ticket(id)!.tags.contains("sla_gold"), "ticket \(id)") }
    }

    func testServerErrorsRetryAndOtherClientErrorsDoNot() async throws {
        zendesk.failNext(1, status: 503, retryAfter: nil)
        let outcome = await deliver("executed")
        XCTAssertEqual(outcome.kind, .retry(notBefore: nil))
        XCTAssertEqual(outcome.httpStatus, 503)

        connector = try makeConnector(secrets: ["api_token": "wrong-token"])
        let refused = await deliver("executed")
        XCTAssertTrue(refused.isPermanent)
        XCTAssertEqual(refused.error?.message, "Zendesk PUT /api/v2/organizations/361.json answered 401: Couldn't authenticate you")
    }

    func testOAuthTokenAuthenticatesAsBearer() async throws {
        connector = try makeConnector(secrets: ["oauth_token": zendesk.configuration.oauthToken!])
        let outcome = await deliver("executed")
        XCTAssertTrue(outcome.isSuccess, "\(outcome)")
        XCTAssertTrue(zendesk.requests.all.allSatisfy { $0.header("Authorization") == "Bearer " + zendesk.configuration.oauthToken! })
    }
}
