import Foundation
import InkBridgeCore

/// What the HubSpot emulator knows of one object type: its properties
/// (writing another one is a `VALIDATION_ERROR`, as in a real portal) and
/// which of them have unique values (usable as `idProperty` in a batch upsert).
public struct HubSpotObjectSchema: Sendable {
    /// The path name (`deals`, `companies`) or object type id (`0-3`).
    public var objectType: String
    public var properties: Set<String>
    public var uniqueProperties: Set<String>

    public init(objectType: String, properties: Set<String>, uniqueProperties: Set<String> = []) {
        self.objectType = objectType
        self.properties = properties.union(uniqueProperties)
        self.uniqueProperties = uniqueProperties
    }

    /// Deals with the custom properties the InkBridge examples map contracts to;
    /// `contract_id` has unique values.
    public static let deals = HubSpotObjectSchema(
        objectType: "deals",
        properties: ["dealname", "dealstage", "pipeline", "amount", "closedate", "description", "deal_currency_code",
                     "contract_status", "contract_title", "contract_effective_date", "contract_expiry_date",
                     "contract_sla_tier", "contract_sequence"],
        uniqueProperties: ["contract_id"])

    public static let companies = HubSpotObjectSchema(
        objectType: "companies",
        properties: ["name", "domain", "description", "sla_tier", "sla_expiry_date", "contract_status"],
        uniqueProperties: ["customer_id"])
}

/// One CRM object held by the emulator.
public struct HubSpotRecord: Sendable, Equatable {
    public let id: String
    /// Property values (always strings) as last written, in first-written order.
    public var properties: JSONObject
    public let createdAt: Date
    public var updatedAt: Date

    public init(id: String, properties: JSONObject, createdAt: Date = Date(), updatedAt: Date = Date()) {
        self.id = id
        self.properties = properties
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    public subscript(property: String) -> String? { properties[property]?.stringValue }
}

/// A failure the emulator answers instead of processing a request, queued by a test.
public enum HubSpotFault: Sendable {
    /// 429 with HubSpot's rate-limit body for `policyName` (`SECONDLY`,
    /// `TEN_SECONDLY_ROLLING`, `DAILY`), the rate-limit headers showing the
    /// window used up, and `Retry-After` when given.
    case tooManyRequests(retryAfter: String? = nil, policyName: String = "TEN_SECONDLY_ROLLING")
    /// 503 with HubSpot's error body.
    case serviceUnavailable(retryAfter: String? = nil)
    /// Any answer.
    case response(status: Int, headers: [(name: String, value: String)], body: String)
}
