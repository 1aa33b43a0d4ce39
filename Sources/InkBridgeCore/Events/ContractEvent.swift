import Foundation

/// A validated contract event. `raw` holds its bytes exactly as ingested:
/// webhooks send them unchanged, and unknown fields are never lost.
public struct ContractEvent: Sendable {
    public let id: String
    public let type: String
    public let occurredAt: Date
    public let contractID: String
    public let sequence: Int64
    public let status: String
    public let body: JSON
    public let raw: [UInt8]

    public init(id: String, type: String, occurredAt: Date, contractID: String, sequence: Int64, status: String, body: JSON, raw: [UInt8]) {
        self.id = id
        self.type = type
        self.occurredAt = occurredAt
        self.contractID = contractID
        self.sequence = sequence
        self.status = status
        self.body = body
        self.raw = raw
    }

    /// The value at an event path (`contract.customer.crm_ref`).
    public subscript(path path: String) -> JSON? { body[path: path] }

    /// The routing key: the status, or the type for hub-emitted events such as `contract.renewal_due`.
    public var routingKey: String { type == EventType.statusChanged ? status : type }

    public var customerID: String? { body[path: "contract.customer.id"]?.scalarText }
}
