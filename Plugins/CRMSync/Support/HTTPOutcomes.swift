import Foundation
import InkBridgeCore

/// SPEC section 5 retry rules as both CRM connectors apply them: network
/// errors, timeouts, 408 425 429 and 5xx retry; other 4xx are permanent; a
/// `Retry-After` (seconds or HTTP date, capped at one hour) sets the earliest
/// next attempt.
enum HTTPOutcomes {
    static let maxRetryAfter: TimeInterval = DeliveryStateMachine.retryAfterCap

    static func isRetryable(status: Int) -> Bool {
        status == 408 || status == 425 || status == 429 || (500...599).contains(status)
    }

    /// The earliest next attempt a `Retry-After` header asks for, or nil.
    static func retryAfter(_ response: HTTPResponse, now: Date) -> Date? {
        guard let value = response.header("Retry-After"), let date = RetryAfter.parse(value, now: now) else { return nil }
        return min(max(date, now), now.addingTimeInterval(maxRetryAfter))
    }

    /// The outcome of a request that never got an HTTP answer. A blocked
    /// address or a malformed URL is configuration and never heals; anything
    /// else (timeouts, refused connections, TLS hiccups) may.
    static func outcome(for error: HTTPTransportError, redactor: SecretRedactor, action: String) -> DeliveryOutcome {
        let message = "\(action): \(redactor.redact(error.message))"
        switch error.kind {
        case .blockedAddress, .invalidURL:
            return .permanent(error.kind.rawValue, message)
        default:
            return .retry(error.kind.rawValue, message)
        }
    }

    /// The outcome of an HTTP error status once the connector has turned the
    /// body into `message`; `forceRetry` covers statuses a CRM documents as
    /// transient outside the generic list (Salesforce's 403 REQUEST_LIMIT_EXCEEDED).
    static func failure(_ response: HTTPResponse, code: String, message: String, excerpt: String?, now: Date,
                        forceRetry: Bool = false, notBefore: Date? = nil) -> DeliveryOutcome {
        if forceRetry || isRetryable(status: response.status) {
            return .retry(code, message, notBefore: notBefore ?? retryAfter(response, now: now),
                          httpStatus: response.status, excerpt: excerpt)
        }
        return .permanent(code, message, httpStatus: response.status, excerpt: excerpt)
    }
}
