import Foundation
import InkBridgeCore

/// Sends one signed POST per delivery. `webhook-id` is the delivery id, the same
/// on every retry, so receivers de-duplicate on it.
struct WebhookConnector: Connector {
    let url: String
    let headers: [(name: String, value: String)]
    let signer: WebhookSigner
    let context: ConnectorContext
    let redact: [String]

    func deliver(_ delivery: Delivery) async -> DeliveryOutcome {
        let now = context.clock.now()
        let timestamp = Int(now.timeIntervalSince1970)
        let body = delivery.event.raw
        var request = HTTPRequest(method: "POST", url: url, body: body, timeout: context.timeout,
                                  connectTimeout: min(10, context.timeout), maxResponseBytes: 64 << 10,
                                  guardAddresses: true, allowPrivate: context.network.allowPrivate)
        request.headers = [
            ("Content-Type", "application/json"),
            ("User-Agent", "InkBridge/1"),
            ("webhook-id", delivery.id),
            ("webhook-timestamp", String(timestamp)),
            ("webhook-signature", signer.signature(id: delivery.id, timestamp: timestamp, body: body)),
        ] + headers
        do {
            let response = try await context.http.send(request)
            return DeliveryStateMachine.classify(response, now: context.clock.now(), excerpt: Excerpt.make(response.body, redacting: redact))
        } catch {
            return DeliveryStateMachine.classify(error)
        }
    }
}
