import XCTest
import InkBridgeCore
import InkBridgeSandbox
@testable import TicketingLink

/// `ticketing.jira` against the Jira Service Management emulator over real HTTP.
final class JiraConnectorTests: XCTestCase {
    var jira: JiraEmulator!
    var harness: TicketingHarness!
    var connector: (any Connector)!
    let key = "inkbridge.entitlement"

    /// Two per page: the five open issues of organisation 361 take three pages.
    override func setUpWithError() throws {
        var config = JiraEmulator.Configuration()
        config.maxPageSize = 2
        jira = try JiraEmulator(config)
        harness = TicketingHarness()
        jira.addOrganization(JiraOrganization(id: 361, name: "Acme Manufacturing"))
        jira.addOrganization(JiraOrganization(id: 362, name: "Other Corp"))
        jira.addIssue(JiraIssue(id: 10001, key: "SD-1", organizationIDs: [361]))
        jira.addIssue(JiraIssue(id: 10002, key: "SD-2", organizationIDs: [361], status: "In progress", statusCategory: .indeterminate))
        jira.addIssue(JiraIssue(id: 10003, key: "SD-3", organizationIDs: [361], status: "Resolved", statusCategory: .done))
        jira.addIssue(JiraIssue(id: 10004, key: "SD-4", organizationIDs: [362, 361]))
        jira.addIssue(JiraIssue(id: 10005, key: "SD-5", organizationIDs: [361]))
        jira.addIssue(JiraIssue(id: 10006, key: "SD-6", organizationIDs: [361], status: "Closed", statusCategory: .done))
        jira.addIssue(JiraIssue(id: 10007, key: "SD-7", organizationIDs: [361], status: "Waiting for customer", statusCategory: .indeterminate))
        jira.addIssue(JiraIssue(id: 10008, key: "SD-8", organizationIDs: [362]))
        connector = try makeConnector()
    }

    override func tearDown() {
        jira.stop()
        harness = nil
    }

    func makeConnector(token: String? = nil) throws -> any Connector {
        try harness.connector(type: "ticketing.jira", settings: [
            "base_url": .string(jira.baseURL),
            "email": .string(jira.configuration.email),
            "contract_url": "https://clm.example.com/contracts/{contract.id}",
        ], secrets: ["api_token": token ?? jira.configuration.apiToken])
    }

    func deliver(_ status: String, sequence: Int = 1, tier: String? = "gold", targets: JSON = TicketingEvents.goldTargets,
                 ref: JSON? = "361") async -> DeliveryOutcome {
        let event = TicketingEvents.event(status: status, sequence: sequence, ticketingRef: ref, tier: tier, targets: targets)
        return await connector.deliver(TicketingEvents.delivery(event))
    }

    let open = ["SD-1", "SD-2", "SD-4", "SD-5", "SD-7"]
    let untouched = ["SD-3", "SD-6", "SD-8"]

    func testExecutedSetsOrganisationAndIssuePropertiesAndLinksAcrossPages() async throws {
        let outcome = await deliver("executed")
        XCTAssertTrue(outcome.isSuccess, "\(outcome)")

        let property = try XCTUnwrap(jira.organization(361)?.properties[key])
        XCTAssertEqual(property["contract_id"], "ctr_42")
        XCTAssertEqual(property["tier"], "gold")
        XCTAssertEqual(property["active"], true)
        XCTAssertEqual(property["targets"], TicketingEvents.goldTargets)
        XCTAssertEqual(property["contract_url"], "https://clm.example.com/contracts/ctr_42")

        for k in open {
            let issue = try XCTUnwrap(jira.issue(k))
            XCTAssertEqual(issue.properties[key], property, k)
            XCTAssertEqual(issue.remoteLinks.count, 1, k)
            XCTAssertEqual(issue.remoteLinks.first?.globalID, "inkbridge:acme:ctr_42", k)
            XCTAssertEqual(issue.remoteLinks.first?.url, "https://clm.example.com/contracts/ctr_42", k)
            XCTAssertEqual(issue.remoteLinks.first?.resolved, false, k)
            XCTAssertEqual(issue.remoteLinks.first?.body[path: "object.title"], "Gold Support and Maintenance Agreement", k)
        }
        for k in untouched {
            XCTAssertTrue(jira.issue(k)!.properties.isEmpty && jira.issue(k)!.remoteLinks.isEmpty, "\(k) must be untouched")
        }

        // Three pages of the enhanced search, each continuing with the previous page's token.
        let searches = jira.requests.matching(method: "POST", pathPrefix: "/rest/api/3/search/jql")
        XCTAssertEqual(searches.count, 3)
        XCTAssertEqual(searches[0].bodyJSON?["jql"], "organizations = 361 AND statusCategory != Done")
        XCTAssertNil(searches[0].bodyJSON?["nextPageToken"])
        XCTAssertNotNil(searches[1].bodyJSON?["nextPageToken"]?.stringValue)
        XCTAssertNotEqual(searches[1].bodyJSON?["nextPageToken"], searches[2].bodyJSON?["nextPageToken"])

        let first = try XCTUnwrap(jira.requests.all.first)
        XCTAssertEqual(first.line, "PUT /rest/servicedeskapi/organization/361/property/inkbridge.entitlement")
        XCTAssertEqual(first.header("X-ExperimentalApi"), "opt-in")
        let auth = "Basic " + Data("\(jira.configuration.email):\(jira.configuration.apiToken)".utf8).base64EncodedString()
        XCTAssertTrue(jira.requests.all.allSatisfy { $0.header("Authorization") == auth })
    }

    func testRepeatingTheDeliveryUpdatesTheLinkInsteadOfAddingOne() async throws {
        _ = await deliver("executed")
        let afterFirst = jira.issues
        let outcome = await deliver("executed")
        XCTAssertTrue(outcome.isSuccess, "\(outcome)")
        XCTAssertEqual(jira.issues, afterFirst, "a repeat changes nothing: same properties, same single link per issue")
        for k in open { XCTAssertEqual(jira.issue(k)?.remoteLinks.count, 1, k) }
    }

    func testRenewalReplacesTheTargets() async throws {
        _ = await deliver("executed")
        let platinum: JSON = [["severity": "P1", "first_response_minutes": 15, "resolution_minutes": 120]]
        let outcome = await deliver("renewed", sequence: 2, tier: "platinum", targets: platinum)
        XCTAssertTrue(outcome.isSuccess, "\(outcome)")
        XCTAssertEqual(jira.organization(361)?.properties[key]?["targets"], platinum)
        for k in open {
            XCTAssertEqual(jira.issue(k)?.properties[key]?["targets"], platinum, k)
            XCTAssertEqual(jira.issue(k)?.properties[key]?["tier"], "platinum", k)
            XCTAssertEqual(jira.issue(k)?.remoteLinks.count, 1, k)
        }
    }

    func testTerminationRevokesPropertiesAndResolvesLinks() async throws {
        _ = await deliver("executed")
        // An issue opened after the grant has no link: the revoke does not add one.
        jira.addIssue(JiraIssue(id: 10009, key: "SD-9", organizationIDs: [361]))
        let outcome = await deliver("terminated", sequence: 2)
        XCTAssertTrue(outcome.isSuccess, "\(outcome)")
        XCTAssertEqual(jira.organization(361)?.properties[key]?["active"], false)
        for k in open {
            XCTAssertEqual(jira.issue(k)?.properties[key]?["active"], false, k)
            XCTAssertEqual(jira.issue(k)?.remoteLinks.map(\.resolved), [true], k)
        }
        XCTAssertEqual(jira.issue("SD-9")?.properties[key]?["active"], false)
        XCTAssertEqual(jira.issue("SD-9")?.remoteLinks, [])
    }

    func testCustomerWithoutTicketingRefFailsPermanently() async {
        let outcome = await deliver("executed", ref: nil)
        XCTAssertTrue(outcome.isPermanent)
        XCTAssertEqual(outcome.error?.code, "missing_ticketing_ref")
        XCTAssertTrue(outcome.error?.message.contains("customer cust_9 has no ticketing reference") == true, "\(outcome)")
        XCTAssertEqual(jira.requests.count, 0)
    }

    func testUnknownOrganisationFailsPermanentlyWithJirasMessage() async {
        let outcome = await deliver("executed", ref: "999")
        XCTAssertTrue(outcome.isPermanent)
        XCTAssertEqual(outcome.httpStatus, 404)
        XCTAssertEqual(outcome.error?.message,
                       "Jira PUT /rest/servicedeskapi/organization/999/property/inkbridge.entitlement answered 404: Organization with ID 999 does not exist.")
    }

    func testRateLimitOnAnIssueRetriesNotBeforeRetryAfter() async {
        jira.failNext(1, status: 429, retryAfter: "12", pathPrefix: "/rest/api/3/issue/10004")
        let outcome = await deliver("executed")
        XCTAssertEqual(outcome.kind, .retry(notBefore: harness.clock.date.addingTimeInterval(12)))
        XCTAssertEqual(outcome.httpStatus, 429)
        XCTAssertEqual(outcome.error?.message, "Jira PUT /rest/api/3/issue/10004/properties/inkbridge.entitlement answered 429: Rate limit exceeded.")
        let retry = await deliver("executed")
        XCTAssertTrue(retry.isSuccess, "\(retry)")
        for k in open { XCTAssertEqual(jira.issue(k)?.remoteLinks.count, 1, k) }
    }

    func testWrongTokenIsPermanentAndNeverEchoed() async throws {
        connector = try makeConnector(token: "bad-token-value")
        let outcome = await deliver("executed")
        XCTAssertTrue(outcome.isPermanent)
        XCTAssertEqual(outcome.httpStatus, 401)
        XCTAssertFalse("\(outcome)".contains("bad-token-value"))
    }
}
