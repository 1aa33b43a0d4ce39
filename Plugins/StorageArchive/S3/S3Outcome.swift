import Foundation
import InkBridgeCore

/// Turns an S3 error answer into an outcome. The error code is S3's own
/// (`SignatureDoesNotMatch`, `SlowDown`, ...) so the attempt record says what
/// S3 said; without an XML body (HEAD) it is `http_status`.
enum S3Outcome {
    /// Codes that succeed when tried again later, whatever their HTTP status.
    static let retryableCodes: Set<String> = [
        "SlowDown", "InternalError", "ServiceUnavailable", "RequestTimeout", "RequestTimeTooSkewed",
        "ConditionalRequestConflict", "OperationAborted", "Throttling", "ThrottlingException", "RequestLimitExceeded",
    ]

    static func failure(_ response: HTTPResponse, operation: String, now: Date, redact: SecretRedactor) -> DeliveryOutcome {
        let parsed = S3ErrorResponse(body: response.body)
        var message = "\(operation) answered HTTP \(response.status)"
        if let code = parsed?.code { message += " \(code)" }
        if let text = parsed?.message, !text.isEmpty { message += ": \(text)" }
        message = redact(message)
        let code = parsed?.code ?? "http_status"
        let excerpt = redact.excerpt(response.body)
        if OutcomeRules.isRetryable(status: response.status) || retryableCodes.contains(code) {
            return .retry(code, message, notBefore: OutcomeRules.retryAfter(response, now: now),
                          httpStatus: response.status, excerpt: excerpt)
        }
        return .permanent(code, message, httpStatus: response.status, excerpt: excerpt)
    }
}
