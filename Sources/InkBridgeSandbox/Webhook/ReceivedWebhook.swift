import Foundation
import InkBridgeCore

/// One request as the webhook receiver saw and answered it.
public struct ReceivedWebhook: Sendable {
    public let arrivedAt: Date
    public let method: String
    public let path: String
    public let headers: [(name: String, value: String)]
    public let body: [UInt8]
    /// The verdict on the Standard Webhooks signature (`.valid` when it checked out).
    public let signature: StandardWebhookVerifier.Verdict
    /// The status the receiver answered.
    public let status: Int
    /// `contract.id` of the event in the body (nil when the body is not such an event).
    public let contractID: String?
    /// `contract.sequence` of the event in the body.
    public let sequence: Int64?

    public var signatureValid: Bool { signature == .valid }

    /// The first header of that name, compared case-insensitively.
    public func header(_ name: String) -> String? {
        let lower = name.lowercased()
        return headers.first { $0.name.lowercased() == lower }?.value
    }

    /// `webhook-id`: the delivery id, the same on every retry of a delivery.
    public var webhookID: String? { header("webhook-id") }

    /// The body parsed as JSON, nil when it is not JSON.
    public var json: JSON? { try? JSONParser.parse(body) }
}
