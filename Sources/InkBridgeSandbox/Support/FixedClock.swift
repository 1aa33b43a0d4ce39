import Foundation
import InkBridgeCore

/// A clock that stands still, so times a connector computes from "now" (Retry-After,
/// retention dates, a pacer's next slot) can be compared exactly.
public struct FixedClock: HubClock {
    public let date: Date

    public init(date: Date) { self.date = date }

    public func now() -> Date { date }
}
