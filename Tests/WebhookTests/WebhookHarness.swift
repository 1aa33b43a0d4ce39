import Foundation
import InkBridgeCore
import InkBridgeSandbox
import Webhook

/// One receiver and one hub with a webhook connector pointing at it.
struct WebhookHarness {
    static let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    static let registry = ConnectorRegistry([WebhookPlugin()])

    let receiver: WebhookReceiver
    let sandbox: SandboxHub

    init(schedule: [Double] = [0.05, 0.05, 0.05, 0.05], allowPrivate: Bool = true, url: String? = nil,
         extraConnectorSettings: String = "", concurrency: Int = 32) async throws {
        receiver = try WebhookReceiver(secret: Self.secret)
        sandbox = try await SandboxHub(config: Self.config(url: url ?? receiver.url, schedule: schedule, allowPrivate: allowPrivate,
                                                           extra: extraConnectorSettings, concurrency: concurrency),
                                       registry: Self.registry, environment: ["HOOK_SECRET": Self.secret])
    }

    static func config(url: String, schedule: [Double], allowPrivate: Bool, extra: String = "", concurrency: Int = 32) -> String {
        """
        {"version":1,"network":{"allow_private":\(allowPrivate)},"tenants":[{"id":"acme","api_keys":[{"sha256":"\(String(repeating: "0", count: 64))"}],
         "connectors":[{"id":"hook","type":"webhook","retry":{"schedule":\(schedule)},"concurrency":\(concurrency),
           "settings":{"url":"\(url)","headers":{"X-Team":"sales-ops"}\(extra)},"secrets":{"signing_secret":{"env":"HOOK_SECRET"}}}]}]}
        """
    }

    static func event(_ id: String, contract: String = "ctr_1", sequence: Int, status: String = "signed") -> String {
        """
        {"id":"\(id)","type":"contract.status_changed","occurred_at":"2026-11-21T10:15:00Z",
         "contract":{"id":"\(contract)","sequence":\(sequence),"status":"\(status)","customer":{"id":"cust_9"},"x_unknown":[1,2.50,"é"]}}
        """
    }

    func stop() async {
        await sandbox.stop()
        receiver.stop()
    }
}
