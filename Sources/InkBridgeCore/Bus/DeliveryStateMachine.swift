import Foundation

/// What becomes of a delivery after one attempt.
public enum DeliveryTransition: Sendable, Equatable {
    case succeed
    case retry(at: Date)
    case dead
}

/// The pure retry policy of SPEC section 5: given an attempt's outcome, the
/// attempts made so far and the connector's schedule, the next transition.
/// No I/O and no clock: `now` and the jitter source are passed in.
public struct DeliveryStateMachine: Sendable {
    public let schedule: [Double]
    public let maxAge: Double?
    /// Relative jitter applied to scheduled delays (0.2 = up to 20% either way).
    public let jitter: Double
    /// Retry-After is honoured up to this many seconds.
    public static let retryAfterCap: Double = 3600

    public init(options: ConnectorOptions, jitter: Double = 0.2) {
        self.schedule = options.retrySchedule
        self.maxAge = options.maxAge
        self.jitter = jitter
    }

    /// - Parameters:
    ///   - attemptNumber: the attempt just made, 1-based.
    ///   - random: a value in 0..<1 for the jitter.
    public func next(after outcome: DeliveryOutcome, attemptNumber: Int, createdAt: Date, now: Date,
                     random: Double = 0.5) -> DeliveryTransition {
        switch outcome.kind {
        case .success:
            return .succeed
        case .permanent:
            return .dead
        case .retry(let notBefore):
            // attempts = 1 + schedule.count; the delay after attempt n is schedule[n-1].
            guard attemptNumber <= schedule.count else { return .dead }
            var delay = schedule[attemptNumber - 1]
            delay *= 1 + jitter * (random * 2 - 1)
            var at = now.addingTimeInterval(max(0, delay))
            if let notBefore {
                // Retry-After replaces the schedule's delay for this attempt, capped at one hour.
                at = min(max(notBefore, now), now.addingTimeInterval(Self.retryAfterCap))
            }
            if let maxAge, at.timeIntervalSince(createdAt) > maxAge { return .dead }
            return .retry(at: at)
        }
    }

    /// Classifies an HTTP answer per SPEC section 5: 2xx success; 408, 425, 429
    /// and 5xx retry (Retry-After honoured); 3xx and other 4xx permanent.
    public static func classify(_ response: HTTPResponse, now: Date, excerpt: String?) -> DeliveryOutcome {
        let status = response.status
        if (200..<300).contains(status) { return .success(httpStatus: status, excerpt: excerpt) }
        if status == 408 || status == 425 || status == 429 || (500..<600).contains(status) {
            let notBefore = response.header("Retry-After").flatMap { RetryAfter.parse($0, now: now) }
            return .retry("http_status", "HTTP \(status)", notBefore: notBefore, httpStatus: status, excerpt: excerpt)
        }
        return .permanent("http_status", "HTTP \(status)", httpStatus: status, excerpt: excerpt)
    }

    /// A transport failure is always worth retrying, except a refused address.
    public static func classify(_ error: HTTPTransportError) -> DeliveryOutcome {
        switch error.kind {
        case .blockedAddress, .invalidURL: return .permanent(error.kind.rawValue, error.message)
        default: return .retry(error.kind.rawValue, error.message)
        }
    }
}

/// `Retry-After` as delay-seconds or an HTTP-date (RFC 9110 section 10.2.3).
public enum RetryAfter {
    public static func parse(_ value: String, now: Date) -> Date? {
        let v = value.trimmingCharacters(in: .whitespaces)
        if let seconds = Double(v), seconds >= 0 { return now.addingTimeInterval(seconds) }
        return HTTPDate.parse(v)
    }
}

/// IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), the only HTTP-date form senders may generate.
public enum HTTPDate {
    static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    public static func parse(_ s: String) -> Date? {
        let parts = s.split(separator: " ")
        guard parts.count == 6, parts[5] == "GMT", let day = Int(parts[1]), let year = Int(parts[3]),
              let month = months.firstIndex(of: String(parts[2])) else { return nil }
        let hms = parts[4].split(separator: ":").compactMap { Int($0) }
        guard hms.count == 3 else { return nil }
        let text = String(format: "%04d-%02d-%02dT%02d:%02d:%02dZ", year, month + 1, day, hms[0], hms[1], hms[2])
        return RFC3339.parse(text)
    }
}
