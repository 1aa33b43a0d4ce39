import Foundation

/// The hub's notion of now, injected so the delivery state machine and the
/// scheduler can be tested without waiting.
public protocol HubClock: Sendable {
    func now() -> Date
}

public struct SystemClock: HubClock {
    public init() {}
    public func now() -> Date { Date() }
}
