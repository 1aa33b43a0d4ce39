import Foundation

/// One delivery to create at ingest.
public struct PlannedDelivery: Sendable {
    public let connector: String
    public let isStateConnector: Bool
    public let paused: Bool

    public init(connector: String, isStateConnector: Bool, paused: Bool = false) {
        self.connector = connector
        self.isStateConnector = isStateConnector
        self.paused = paused
    }
}

public struct IngestItem: Sendable {
    public let event: ContractEvent
    public let deliveries: [PlannedDelivery]

    public init(event: ContractEvent, deliveries: [PlannedDelivery]) {
        self.event = event
        self.deliveries = deliveries
    }
}

public struct DeliveryRef: Sendable, Equatable {
    public let id: String
    public let connector: String
    public let state: DeliveryState
}

public struct IngestOutcome: Sendable {
    public let eventID: String
    public let duplicate: Bool
    public let deliveries: [DeliveryRef]
}

/// A delivery handed to the dispatcher, now `in_flight`.
public struct ClaimedDelivery: Sendable {
    public let rowID: Int64
    public let id: String
    public let tenant: String
    public let connector: String
    public let event: ContractEvent
    /// Attempts made before this one.
    public let attempts: Int
    public let createdAt: Date
    public let isStateConnector: Bool

    /// Where the delivery sits, handed back with its completion so recording it needs no lookup.
    public var lane: DeliveryLane {
        DeliveryLane(tenant: tenant, connector: connector, contractID: event.contractID, sequence: event.sequence, isStateConnector: isStateConnector)
    }
}

/// A delivery's lane: one connector's deliveries of one contract, and its place in it.
public struct DeliveryLane: Sendable, Equatable {
    public let tenant: String
    public let connector: String
    public let contractID: String
    public let sequence: Int64
    public let isStateConnector: Bool
}

/// One attempt, as recorded and shown by the API.
public struct AttemptRecord: Sendable, Equatable {
    public let number: Int
    public let startedAt: Date
    public let durationMs: Double
    public let httpStatus: Int?
    public let error: DeliveryError?
    public let responseExcerpt: String?

    public init(number: Int, startedAt: Date, durationMs: Double, httpStatus: Int?, error: DeliveryError?, responseExcerpt: String?) {
        self.number = number
        self.startedAt = startedAt
        self.durationMs = durationMs
        self.httpStatus = httpStatus
        self.error = error
        self.responseExcerpt = responseExcerpt
    }
}

/// The result of one attempt, to record.
public struct DeliveryCompletion: Sendable {
    public let rowID: Int64
    public let attempt: AttemptRecord
    public let transition: DeliveryTransition
    /// When known (from the claim), saves the store a lookup.
    public let lane: DeliveryLane?

    public init(rowID: Int64, attempt: AttemptRecord, transition: DeliveryTransition, lane: DeliveryLane? = nil) {
        self.rowID = rowID
        self.attempt = attempt
        self.transition = transition
        self.lane = lane
    }
}

public struct DeliverySummary: Sendable {
    public let id: String
    public let eventID: String
    public let tenant: String
    public let connector: String
    public let contractID: String
    public let sequence: Int64
    public let state: DeliveryState
    public let attempts: Int
    public let nextAttemptAt: Date?
    public let createdAt: Date
    public let updatedAt: Date?
    public let lastError: String?
}

public struct DeliveryDetail: Sendable {
    public let summary: DeliverySummary
    public let attempts: [AttemptRecord]
}

public struct StoredEvent: Sendable {
    public let id: String
    public let tenant: String
    public let receivedAt: Date
    public let raw: [UInt8]
    public let deliveries: [DeliverySummary]
}

public struct DeliveryQuery: Sendable {
    public var tenant: String?
    public var state: DeliveryState?
    public var connector: String?
    public var contract: String?
    public var limit: Int
    /// Opaque: the row after which the next page starts (newest first).
    public var cursor: String?

    public init(tenant: String? = nil, state: DeliveryState? = nil, connector: String? = nil, contract: String? = nil, limit: Int = 50, cursor: String? = nil) {
        self.tenant = tenant
        self.state = state
        self.connector = connector
        self.contract = contract
        self.limit = limit
        self.cursor = cursor
    }
}

public struct Page<Item: Sendable>: Sendable {
    public let items: [Item]
    public let nextCursor: String?
}

/// The registry's latest known state of one contract.
public struct ContractRecord: Sendable {
    public let tenant: String
    public let id: String
    public let sequence: Int64
    public let status: String
    public let updatedAt: Date
    public let customerID: String?
    /// The latest event's `contract` object.
    public let contract: JSON
}

public enum ReplayResult: Sendable, Equatable {
    case replayed
    case notFound
    case notReplayable(DeliveryState)
    /// A state connector already delivered a newer status of this contract.
    case stale
}

/// One entry of the hash-chained audit log.
public struct AuditEntry: Sendable {
    public init(seq: Int64, at: Date, actor: String, action: String, detail: String, previousHash: String, hash: String) {
        self.seq = seq; self.at = at; self.actor = actor; self.action = action; self.detail = detail; self.previousHash = previousHash; self.hash = hash
    }
    public let seq: Int64
    public let at: Date
    public let actor: String
    public let action: String
    public let detail: String
    public let previousHash: String
    public let hash: String
}
