import Foundation
import InkBridgeCore

/// SPEC section 5's rules for turning what an external system answered into
/// an outcome: network errors, timeouts, 408 425 429 and 5xx retry (honouring
/// Retry-After, capped at one hour); other 4xx are permanent.
enum OutcomeRules {
    static let maxRetryAfter: Double = 3600

    static func isRetryable(status: Int) -> Bool {
        status == 408 || status == 425 || status == 429 || (500...599).contains(status)
    }

    /// The outcome of a transport failure (no HTTP answer at all).
    static func outcome(for error: HTTPTransportError, doing what: String, redact: Redactor) -> DeliveryOutcome {
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

    /// `Retry-After` as seconds or an HTTP date, capped at one hour; nil when absent or unreadable.
    static func retryAfter(_ response: HTTPResponse, now: Date) -> Date? {
        guard let value = response.header("Retry-After")?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        if let seconds = Double(value), seconds >= 0 {
            return now.addingTimeInterval(min(seconds, maxRetryAfter))
        }
        guard let date = httpDate(value) else { return nil }
        return min(max(date, now), now.addingTimeInterval(maxRetryAfter))
    }

    /// RFC 9110 IMF-fixdate: `Sun, 06 Nov 1994 08:49:37 GMT`.
    static func httpDate(_ text: String) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return formatter.date(from: text)
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
