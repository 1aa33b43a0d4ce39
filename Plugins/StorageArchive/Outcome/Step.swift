import InkBridgeCore

/// The result of one step of a delivery: a value to go on with, or the
/// outcome that ends the attempt (`DeliveryOutcome` is data, not an `Error`).
enum Step<Value: Sendable>: Sendable {
    case next(Value)
    case stop(DeliveryOutcome)
}
