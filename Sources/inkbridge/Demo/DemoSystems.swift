import Foundation
import InkBridgeSandbox

/// Every local emulator the demo talks to, started on loopback ports chosen by the OS.
final class DemoSystems: Sendable {
    static let webhookSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

    let acmeHooks: WebhookReceiver
    let globexHooks: WebhookReceiver
    let salesforce: SalesforceEmulator
    let hubspot: HubSpotEmulator

    init() throws {
        acmeHooks = try WebhookReceiver(secret: Self.webhookSecret)
        globexHooks = try WebhookReceiver(secret: Self.webhookSecret)
        salesforce = try SalesforceEmulator()
        salesforce.seedDemoRecords()
        hubspot = try HubSpotEmulator()
        hubspot.seedDemoRecords()
    }

    /// What `{ "env": ... }` references of the demo's connectors.json resolve to.
    var environment: [String: String] {
        [
            "DEMO_WEBHOOK_SECRET": Self.webhookSecret,
            "DEMO_SF_CLIENT_ID": salesforce.credentials.clientID,
            "DEMO_SF_CLIENT_SECRET": salesforce.credentials.clientSecret,
            "DEMO_HUBSPOT_TOKEN": hubspot.accessToken,
        ]
    }

    func stop() {
        acmeHooks.stop()
        globexHooks.stop()
        salesforce.stop()
        hubspot.stop()
    }
}
