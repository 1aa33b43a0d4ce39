import Foundation

/// A configured connector instance: brings one external system up to date
/// with one event at a time.
///
/// A conformer must guarantee:
/// - `deliver` never throws and never traps on bad input or a failing external
///   system; it answers an outcome (success, retry, permanent failure).
/// - It is idempotent for the same `Delivery.id`: a retry of a delivery that
///   reached the external system before a crash must not create a duplicate
///   where the target supports it (send `delivery.id` as the idempotency key,
///   upsert by a stable key).
/// - It does all network I/O through `ConnectorContext.http` (the shared
///   libcurl client with its timeouts and address guard) and never blocks the
///   calling thread for long.
/// - No secret value appears in an outcome's message or excerpt.
public protocol Connector: Sendable {
    func deliver(_ delivery: Delivery) async -> DeliveryOutcome
}

/// One event on its way to one connector.
public struct Delivery: Sendable {
    /// Stable across every retry of this delivery: send it as the idempotency key.
    public let id: String
    public let tenantID: String
    public let connectorID: String
    public let event: ContractEvent
    /// 1 for the first attempt.
    public let attempt: Int

    public init(id: String, tenantID: String, connectorID: String, event: ContractEvent, attempt: Int) {
        self.id = id
        self.tenantID = tenantID
        self.connectorID = connectorID
        self.event = event
        self.attempt = attempt
    }
}

/// What a connector answers for one attempt.
public struct DeliveryOutcome: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case success
        /// Try again; not before `notBefore` when the system said so (Retry-After).
        case retry(notBefore: Date?)
        /// Will never succeed as it is: goes `dead` at once.
        case permanent
    }

    public var kind: Kind
    /// The last HTTP status the external system answered, if any.
    public var httpStatus: Int?
    /// Nil on success; a short code (`timeout`, `http_status`, `hash_mismatch`, ...) and a human-readable message.
    public var error: DeliveryError?
    /// The first bytes of the external system's answer, secrets redacted.
    public var responseExcerpt: String?
    /// A short human-readable note of what was done (`PATCH Opportunity/006...: 204`).
    public var detail: String?

    public init(kind: Kind, httpStatus: Int? = nil, error: DeliveryError? = nil, responseExcerpt: String? = nil, detail: String? = nil) {
        self.kind = kind
        self.httpStatus = httpStatus
        self.error = error
        self.responseExcerpt = responseExcerpt
        self.detail = detail
    }

    public static func success(httpStatus: Int? = nil, excerpt: String? = nil, detail: String? = nil) -> DeliveryOutcome {
        DeliveryOutcome(kind: .success, httpStatus: httpStatus, responseExcerpt: excerpt, detail: detail)
    }

    public static func retry(_ code: String, _ message: String, notBefore: Date? = nil, httpStatus: Int? = nil, excerpt: String? = nil) -> DeliveryOutcome {
        DeliveryOutcome(kind: .retry(notBefore: notBefore), httpStatus: httpStatus, error: DeliveryError(code: code, message: message), responseExcerpt: excerpt)
    }

    public static func permanent(_ code: String, _ message: String, httpStatus: Int? = nil, excerpt: String? = nil) -> DeliveryOutcome {
        DeliveryOutcome(kind: .permanent, httpStatus: httpStatus, error: DeliveryError(code: code, message: message), responseExcerpt: excerpt)
    }
}

/// A short machine code and a message for humans. Never holds a secret.
public struct DeliveryError: Sendable, Equatable, CustomStringConvertible {
    public let code: String
    public let message: String

    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }
}
