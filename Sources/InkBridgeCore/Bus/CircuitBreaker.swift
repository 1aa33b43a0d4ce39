import Foundation

/// A per-connector circuit breaker (pure value type; the dispatcher owns it).
/// After `threshold` consecutive retryable failures it opens: nothing is sent,
/// and no delivery spends an attempt, until `openFor` has passed; then one probe
/// is let through (half-open). A success closes it; a failure reopens it for
/// twice as long, up to `maxOpenFor`.
public struct CircuitBreaker: Sendable, Equatable {
    public enum State: String, Sendable { case closed, open, halfOpen = "half_open" }

    public let threshold: Int
    public let baseOpenFor: Double
    public let maxOpenFor: Double
    public private(set) var consecutiveFailures = 0
    public private(set) var openUntil: Date?
    public private(set) var probing = false
    private var openFor: Double

    public init(threshold: Int = 10, openFor: Double = 30, maxOpenFor: Double = 300) {
        self.threshold = threshold
        self.baseOpenFor = openFor
        self.maxOpenFor = maxOpenFor
        self.openFor = openFor
    }

    public func state(now: Date) -> State {
        guard let until = openUntil else { return .closed }
        return now < until ? .open : .halfOpen
    }

    /// How many deliveries may start now.
    public func allowance(now: Date) -> Int {
        switch state(now: now) {
        case .closed: return .max
        case .open: return 0
        case .halfOpen: return probing ? 0 : 1
        }
    }

    public mutating func started(now: Date) {
        if state(now: now) == .halfOpen { probing = true }
    }

    public mutating func record(success: Bool, now: Date) {
        if success {
            consecutiveFailures = 0
            openUntil = nil
            probing = false
            openFor = baseOpenFor
            return
        }
        consecutiveFailures += 1
        if probing || (openUntil == nil && consecutiveFailures >= threshold) {
            if probing { openFor = min(openFor * 2, maxOpenFor) }
            openUntil = now.addingTimeInterval(openFor)
            probing = false
        }
    }
}

/// A token bucket for a connector's `rate_limit` (requests per second).
public struct TokenBucket: Sendable {
    public let rate: Double
    public let burst: Double
    private var tokens: Double
    private var updated: Date

    public init(rate: Double, now: Date) {
        self.rate = rate
        self.burst = max(1, rate)
        self.tokens = max(1, rate)
        self.updated = now
    }

    public mutating func available(now: Date) -> Int {
        tokens = min(burst, tokens + now.timeIntervalSince(updated) * rate)
        updated = now
        return Int(tokens.rounded(.down))
    }

    public mutating func take(_ n: Int) { tokens -= Double(n) }

    /// When the next whole token will be there.
    public func nextToken(now: Date) -> Date {
        tokens >= 1 ? now : now.addingTimeInterval((1 - tokens) / rate)
    }
}
