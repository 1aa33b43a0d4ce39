import Foundation
import InkBridgeCore
import Synchronization

/// A local token bucket in front of HubSpot, as a guard under its documented
/// limit (100 requests per 10 s per private app on the lowest tier, up to 190
/// on higher ones; wire-formats 2). The dispatcher's per-connector `rate_limit`
/// is the primary limit; this guard keeps one connector instance under
/// HubSpot's limit even when no `rate_limit` is configured (default 9/s with a
/// burst of 9: at most 99 requests in any 10 s), and it holds every delivery
/// back after HubSpot said the window is used up (a 429, or
/// `X-HubSpot-RateLimit-Remaining: 0`).
///
/// Implemented as GCRA (the virtual-scheduling form of a token bucket): each
/// caller reserves the next slot under the lock, then sleeps outside it until
/// its slot. Reservations are strictly ordered, so concurrent callers never
/// busy-loop and never share a slot.
final class HubSpotRequestPacer: Sendable {
    static let defaultRate: Double = 9
    static let slack: TimeInterval = 0.001

    /// Seconds between slots at the sustained rate.
    private let interval: TimeInterval
    /// How far ahead of the sustained schedule a burst may run.
    private let tolerance: TimeInterval
    private let clock: any HubClock
    /// The theoretical time of the next slot.
    private let nextSlot = Mutex(Date.distantPast)

    init(ratePerSecond: Double, clock: any HubClock) {
        precondition(ratePerSecond > 0, "rate must be positive")
        let burst = max(1, min(10, Int(ratePerSecond.rounded(.down))))
        self.interval = 1 / ratePerSecond
        self.tolerance = Double(burst - 1) / ratePerSecond
        self.clock = clock
    }

    /// Waits until this caller may send one request and answers nil; or, when
    /// the slot is further away than `maxWait` (HubSpot asked for a long pause),
    /// reserves nothing and answers the earliest time to come back, so a
    /// delivery never sits on a dispatcher slot for minutes.
    func acquire(maxWait: TimeInterval) async -> Date? {
        let now = clock.now()
        let (wait, retryAt): (TimeInterval, Date?) = nextSlot.withLock { nextSlot in
            let slot = max(nextSlot, now)
            let start = slot.addingTimeInterval(-tolerance)
            let wait = start.timeIntervalSince(now)
            // Slot times accumulate floating-point error: ignore a millisecond either way.
            if wait > maxWait + Self.slack { return (0, start) }
            nextSlot = slot.addingTimeInterval(interval)
            return (wait, nil)
        }
        if let retryAt { return retryAt }
        if wait > Self.slack {
            // A cancelled delivery simply goes ahead; the slot stays spent.
            try? await Task.sleep(nanoseconds: UInt64(wait * 1_000_000_000))
        }
        return nil
    }

    /// Holds every request back until `date` (HubSpot's window is exhausted).
    func pause(until date: Date) {
        nextSlot.withLock { $0 = max($0, date.addingTimeInterval(tolerance)) }
    }
}
