import XCTest
import InkBridgeCore
import InkBridgeSandbox
import TicketingLink

/// The three ticketing connectors inside a running hub (store, dispatcher, libcurl): an event
/// ingested once reaches all three systems; an event the connectors cannot deliver goes `dead`
/// with the reason recorded on its attempt.
final class TicketingHubTests: XCTestCase {
    func testOneEventReachesZendeskJiraAndServiceNow() async throws {
        let zendesk = try ZendeskEmulator()
        let jira = try JiraEmulator()
        let sn = try ServiceNowEmulator()
        defer { zendesk.stop(); jira.stop(); sn.stop() }
        zendesk.addOrganization(ZendeskOrganization(id: 361, name: "Acme"))
        zendesk.addTicket(ZendeskTicket(id: 1, organizationID: 361))
        jira.addOrganization(JiraOrganization(id: 361, name: "Acme"))
        jira.addIssue(JiraIssue(id: 10001, key: "SD-1", organizationIDs: [361]))

        let config = """
        {"version": 1, "network": {"allow_private": true},
         "tenants": [{"id": "acme", "api_keys": [{"env": "ACME_KEY"}], "connectors": [
           {"id": "zd", "type": "ticketing.zendesk", "retry": {"schedule": []},
            "settings": {"base_url": "\(zendesk.baseURL)", "email": "\(zendesk.configuration.email)", "org_fields": {"sla_tier": "tier"}},
            "secrets": {"api_token": {"env": "ZD_TOKEN"}}},
           {"id": "jira", "type": "ticketing.jira", "retry": {"schedule": []},
            "settings": {"base_url": "\(jira.baseURL)", "email": "\(jira.configuration.email)", "contract_url": "https://clm.example.com/c/{contract.id}"},
            "secrets": {"api_token": {"env": "JIRA_TOKEN"}}},
           {"id": "sn", "type": "ticketing.servicenow", "retry": {"schedule": []},
            "settings": {"instance_url": "\(sn.baseURL)"},
            "secrets": {"client_id": {"env": "SN_ID"}, "client_secret": {"env": "SN_SECRET"}}}
         ]}]}
        """
        let env = ["ACME_KEY": "acme-key", "ZD_TOKEN": zendesk.configuration.apiToken, "JIRA_TOKEN": jira.configuration.apiToken,
                   "SN_ID": sn.configuration.clientID, "SN_SECRET": sn.configuration.clientSecret]
        let hub = try await SandboxHub(config: config, registry: ConnectorRegistry(TicketingLink.plugins), environment: env)

        let executed = TicketingEvents.event(status: "executed", id: "evt_1")
        let outcome = try await hub.emit(tenant: "acme", String(decoding: executed.raw, as: UTF8.self))
        XCTAssertEqual(outcome.first?.deliveries.map(\.connector).sorted(), ["jira", "sn", "zd"])
        for ref in outcome.first?.deliveries ?? [] {
            let detail = await hub.waitForDelivery(ref.id) { $0.summary.state == .succeeded }
            XCTAssertEqual(detail?.summary.state, .succeeded, "\(ref.connector): \(String(describing: detail?.attempts.last?.error))")
        }
        XCTAssertEqual(zendesk.organization(361)?.fields["sla_tier"], "gold")
        XCTAssertEqual(zendesk.ticket(1)?.tags, ["sla_gold"])
        XCTAssertEqual(jira.issue("SD-1")?.remoteLinks.count, 1)
        XCTAssertEqual(sn.records("service_entitlement").first?["active"], "true")

        // No ticketing reference: every ticketing delivery is dead at once, saying why.
        let orphan = TicketingEvents.event(status: "executed", sequence: 1, contractID: "ctr_77", ticketingRef: nil, id: "evt_2")
        let orphanOutcome = try await hub.emit(tenant: "acme", String(decoding: orphan.raw, as: UTF8.self))
        for ref in orphanOutcome.first?.deliveries ?? [] {
            let detail = await hub.waitForDelivery(ref.id) { $0.summary.state == .dead }
            XCTAssertEqual(detail?.summary.state, .dead, ref.connector)
            XCTAssertEqual(detail?.attempts.count, 1, ref.connector)
            XCTAssertEqual(detail?.attempts.first?.error?.code, "missing_ticketing_ref", ref.connector)
        }
        await hub.stop()
    }
}
