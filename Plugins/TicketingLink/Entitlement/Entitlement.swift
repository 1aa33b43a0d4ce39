import InkBridgeCore

/// The SLA entitlement a contract gives its customer, as the ticketing
/// connectors write it: derived from one event, no I/O (see `Entitlement+Event.swift`).
public struct Entitlement: Sendable, Equatable {
    /// Whether an event grants the entitlement or takes it away.
    public enum Change: String, Sendable, Equatable {
        case grant, revoke

        /// Executed, renewed and amended contracts grant; expired, terminated and voided revoke;
        /// any other status changes nothing (nil).
        public init?(status: String) {
            switch status {
            case "executed", "renewed", "amended": self = .grant
            case "expired", "terminated", "voided": self = .revoke
            default: return nil
            }
        }

        /// The statuses a ticketing connector acts on: its default `on`.
        public static let statuses: Set<String> = ["executed", "renewed", "amended", "expired", "terminated", "voided"]
    }

    /// One severity's targets, in minutes.
    public struct Target: Sendable, Equatable {
        public var severity: String
        public var firstResponseMinutes: Int64?
        public var resolutionMinutes: Int64?

        public init(severity: String, firstResponseMinutes: Int64?, resolutionMinutes: Int64?) {
            self.severity = severity
            self.firstResponseMinutes = firstResponseMinutes
            self.resolutionMinutes = resolutionMinutes
        }

        public var json: JSON {
            .object(JSONObject([
                ("severity", .string(severity)),
                ("first_response_minutes", firstResponseMinutes.map { JSON($0) } ?? .null),
                ("resolution_minutes", resolutionMinutes.map { JSON($0) } ?? .null),
            ]))
        }
    }

    public var contractID: String
    public var tier: String?
    public var businessHours: String?
    public var targets: [Target]
    /// `YYYY-MM-DD`.
    public var effectiveDate: String?
    /// `YYYY-MM-DD`.
    public var expiryDate: String?
    public var contractURL: String?
    public var active: Bool
    /// The contract status that produced this entitlement (`executed`, `expired`, ...).
    public var status: String
    /// The event's `occurred_at`, RFC 3339: lets a reader of the stored entitlement see how fresh it is.
    public var updatedAt: String

    public init(contractID: String, tier: String?, businessHours: String?, targets: [Target], effectiveDate: String?,
                expiryDate: String?, contractURL: String?, active: Bool, status: String, updatedAt: String) {
        self.contractID = contractID
        self.tier = tier
        self.businessHours = businessHours
        self.targets = targets
        self.effectiveDate = effectiveDate
        self.expiryDate = expiryDate
        self.contractURL = contractURL
        self.active = active
        self.status = status
        self.updatedAt = updatedAt
    }

    /// The field names a ticketing mapping may name (SPEC 4.1).
    public static let fieldNames: [String] = [
        "contract_id", "tier", "business_hours", "targets", "effective_date", "expiry_date", "contract_url", "active",
    ]

    /// The value of one mappable field as a flat value for a record field: `targets` is JSON text
    /// (a text field holds it), `active` a boolean, everything else a string or null.
    /// Returns nil for a name that is not in `fieldNames` (validation rejects those earlier).
    public func fieldValue(_ name: String) -> JSON? {
        switch name {
        case "contract_id": return .string(contractID)
        case "tier": return tier.map(JSON.string) ?? .null
        case "business_hours": return businessHours.map(JSON.string) ?? .null
        case "targets": return .string(targetsJSON.jsonText)
        case "effective_date": return effectiveDate.map(JSON.string) ?? .null
        case "expiry_date": return expiryDate.map(JSON.string) ?? .null
        case "contract_url": return contractURL.map(JSON.string) ?? .null
        case "active": return .bool(active)
        default: return nil
        }
    }

    public var targetsJSON: JSON { .array(targets.map(\.json)) }

    /// The whole entitlement as one JSON object (Jira properties, the registry's answer).
    /// Built fresh from the event each time, so a renewal replaces the targets rather than adding to them.
    public var json: JSON {
        .object(JSONObject([
            ("contract_id", .string(contractID)),
            ("tier", tier.map(JSON.string) ?? .null),
            ("business_hours", businessHours.map(JSON.string) ?? .null),
            ("targets", targetsJSON),
            ("effective_date", effectiveDate.map(JSON.string) ?? .null),
            ("expiry_date", expiryDate.map(JSON.string) ?? .null),
            ("contract_url", contractURL.map(JSON.string) ?? .null),
            ("active", .bool(active)),
            ("status", .string(status)),
            ("updated_at", .string(updatedAt)),
        ]))
    }
}
