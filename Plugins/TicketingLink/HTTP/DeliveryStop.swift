import InkBridgeCore

/// Ends a multi-step delivery early with the outcome the whole delivery answers
/// (a retry or a permanent failure). Thrown by a step, caught once in `deliver`.
struct DeliveryStop: Error, Sendable {
    let outcome: DeliveryOutcome

    init(_ outcome: DeliveryOutcome) { self.outcome = outcome }

    /// The event cannot be delivered as it is (a missing reference, a malformed SLA).
    static func invalidEvent(_ code: String, _ message: String) -> DeliveryStop {
        DeliveryStop(.permanent(code, message))
    }
}
