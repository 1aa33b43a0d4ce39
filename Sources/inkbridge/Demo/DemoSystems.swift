import Foundation
import InkBridgeSandbox

/// Every local emulator the demo talks to, started on loopback ports chosen by the OS.
final class DemoSystems: Sendable {
    static let webhookSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

    let acmeHooks: WebhookReceiver
    let globexHooks: WebhookReceiver
    let salesforce: SalesforceEmulator
    let hubspot: HubSpotEmulator
    let zendesk: ZendeskEmulator
    static let zendeskOrganization: Int64 = 361

    init() throws {
        acmeHooks = try WebhookReceiver(secret: Self.webhookSecret)
        globexHooks = try WebhookReceiver(secret: Self.webhookSecret)
        salesforce = try SalesforceEmulator()
        salesforce.seedDemoRecords()
        hubspot = try HubSpotEmulator()
        hubspot.seedDemoRecords()
        zendesk = try ZendeskEmulator()
        zendesk.addOrganization(ZendeskOrganization(id: Self.zendeskOrganization, name: "Acme Manufacturing"))
        for (id, status, subject) in [(1001, "open", "Press line 3 stopped"), (1002, "pending", "Firmware update fails"),
                                      (1003, "new", "Invoice question"), (1004, "solved", "Password reset")] as [(Int64, String, String)] {
            zendesk.addTicket(ZendeskTicket(id: id, organizationID: Self.zendeskOrganization, subject: subject, status: status, tags: ["customer"]))
        }
    }

    /// What `{ "env": ... }` references of the demo's connectors.json resolve to.
    var environment: [String: String] {
        [
            "DEMO_WEBHOOK_SECRET": Self.webhookSecret,
            "DEMO_SF_CLIENT_ID": salesforce.credentials.clientID,
            "DEMO_SF_CLIENT_SECRET": salesforce.credentials.clientSecret,
            "DEMO_HUBSPOT_TOKEN": hubspot.accessToken,
            "DEMO_ZENDESK_TOKEN": zendesk.configuration.apiToken,
        ]
    }

    func stop() {
        acmeHooks.stop()
        globexHooks.stop()
        salesforce.stop()
        hubspot.stop()
        zendesk.stop()
    }
}
