import Foundation
import InkBridgeCore

/// SPEC section 5's rules for turning what an external system answered into
/// an outcome: network errors, timeouts, 408 425 429 and 5xx retry (honouring
/// Retry-After); other 4xx are permanent.
enum OutcomeRules {
    static func isRetryable(status: Int) -> Bool {
        status == 408 || status == 425 || status == 429 || (500...599).contains(status)
    }

    /// The outcome of a transport failure (no HTTP answer at all).
    static func outcome(for error: HTTPTransportError, doing what: String, redact: SecretRedactor) -> DeliveryOutcome {
        let message = redact("\(what): \(error.message)")
        switch error.kind {
        case .blockedAddress, .invalidURL:
            return .permanent(error.kind.rawValue, message)
        case .responseTooLarge:
            return .permanent("document_too_large", message)
        case .timeout, .connectFailed, .tls, .io, .other:
            return .retry(error.kind.rawValue, message)
        }
    }

    /// `Retry-After` (seconds or HTTP date); the delivery state machine caps it at one hour.
    static func retryAfter(_ response: HTTPResponse, now: Date) -> Date? {
        response.header("Retry-After").flatMap { RetryAfter.parse($0, now: now) }
    }

    /// A URL for messages: scheme, host and path, never the query (it may hold a token).
    static func displayURL(_ url: String) -> String {
        guard var components = URLComponents(string: url) else { return "(invalid URL)" }
        components.query = nil
        components.fragment = nil
        components.user = nil
        components.password = nil
        return components.string ?? "(invalid URL)"
    }
}
