import Foundation

/// An SLA entitlement in force (SPEC section 6), projected from the registry's
/// latest state of one contract. Pure: the caller passes the time.
///
/// In force means: the contract's latest status is `executed`, `renewed` or
/// `amended`; its `expiry_date`, when present, has not passed (the expiry day
/// itself still counts, in UTC); and it carries an `sla` object, since a
/// contract without one grants no service level to look up.
public struct Entitlement: Sendable, Equatable {
    public let contractID: String
    public let tier: String?
    public let businessHours: String?
    /// The `sla.targets` array as ingested (null when absent).
    public let targets: JSON
    public let effectiveDate: String?
    public let expiryDate: String?

    /// Statuses under which a contract's SLA applies. `amended` keeps the
    /// contract in force with its latest terms; expired, terminated, voided and
    /// every pre-signature status do not.
    public static let inForceStatuses: Set<String> = [
        ContractStatus.executed.rawValue, ContractStatus.renewed.rawValue, ContractStatus.amended.rawValue,
    ]

    public init(contractID: String, tier: String?, businessHours: String?, targets: JSON, effectiveDate: String?, expiryDate: String?) {
        self.contractID = contractID
        self.tier = tier
        self.businessHours = businessHours
        self.targets = targets
        self.effectiveDate = effectiveDate
        self.expiryDate = expiryDate
    }

    /// The entitlement of `record` if it is in force at `now`, else nil.
    public static func inForce(_ record: ContractRecord, now: Date) -> Entitlement? {
        guard inForceStatuses.contains(record.status) else { return nil }
        guard let sla = record.contract["sla"]?.objectValue else { return nil }
        let expiry = record.contract["expiry_date"]?.stringValue
        if let expiry {
            // An unreadable date cannot prove the contract still runs: not in force.
            guard let day = RFC3339.parseDate(expiry) else { return nil }
            if now >= day.addingTimeInterval(86400) { return nil }
        }
        return Entitlement(contractID: record.id, tier: sla["tier"]?.stringValue, businessHours: sla["business_hours"]?.stringValue,
                           targets: sla["targets"] ?? .null, effectiveDate: record.contract["effective_date"]?.stringValue,
                           expiryDate: expiry)
    }

    /// The entitlements in force among `records`, in their order.
    public static func inForce(_ records: [ContractRecord], now: Date) -> [Entitlement] {
        records.compactMap { inForce($0, now: now) }
    }

    /// The item shape of `GET /v1/entitlements` (SPEC section 8.1).
    public var json: JSON {
        func text(_ s: String?) -> JSON { s.map { .string($0) } ?? .null }
        return .object(JSONObject([
            ("contract_id", .string(contractID)),
            ("tier", text(tier)),
            ("business_hours", text(businessHours)),
            ("targets", targets),
            ("effective_date", text(effectiveDate)),
            ("expiry_date", text(expiryDate)),
        ]))
    }
}
