import Foundation
import Synchronization

/// A validated contract event. `raw` holds its bytes exactly as ingested:
/// webhooks send them unchanged, and unknown fields are never lost.
public struct ContractEvent: Sendable {
    public let id: String
    public let type: String
    public let occurredAt: Date
    public let contractID: String
    public let sequence: Int64
    public let status: String
    public let raw: [UInt8]
    private let parsed: ParsedBody

    /// The event as JSON. Parsed from `raw` on first use: a webhook, which
    /// sends `raw` as it is, never pays for parsing.
    public var body: JSON { parsed.value(raw) }

    public init(id: String, type: String, occurredAt: Date, contractID: String, sequence: Int64, status: String, body: JSON, raw: [UInt8]) {
        self.init(id: id, type: type, occurredAt: occurredAt, contractID: contractID, sequence: sequence, status: status, raw: raw,
                  parsed: ParsedBody(body))
    }

    /// An event read back from the store: its fields were validated at ingest; the body is parsed lazily.
    public init(id: String, type: String, occurredAt: Date, contractID: String, sequence: Int64, status: String, raw: [UInt8]) {
        self.init(id: id, type: type, occurredAt: occurredAt, contractID: contractID, sequence: sequence, status: status, raw: raw,
                  parsed: ParsedBody(nil))
    }

    private init(id: String, type: String, occurredAt: Date, contractID: String, sequence: Int64, status: String, raw: [UInt8],
                 parsed: ParsedBody) {
        self.id = id
        self.type = type
        self.occurredAt = occurredAt
        self.contractID = contractID
        self.sequence = sequence
        self.status = status
        self.raw = raw
        self.parsed = parsed
    }

    /// The parsed body, shared by copies of one event; filled at most once.
    private final class ParsedBody: Sendable {
        private let cache: Mutex<JSON?>

        init(_ body: JSON?) { cache = Mutex(body) }

        func value(_ raw: [UInt8]) -> JSON {
            cache.withLock { cached in
                if let cached { return cached }
                // The bytes were validated at ingest; a failure means the store was altered.
                let value = (try? JSONParser.parse(raw)) ?? .null
                cached = value
                return value
            }
        }
    }

    /// The value at an event path (`contract.customer.crm_ref`).
    public subscript(path path: String) -> JSON? { body[path: path] }

    /// The routing key: the status, or the type for hub-emitted events such as `contract.renewal_due`.
    public var routingKey: String { type == EventType.statusChanged ? status : type }

    public var customerID: String? { body[path: "contract.customer.id"]?.scalarText }
}
