import InkBridgeCore

/// What the Salesforce emulator knows of one sObject type: the fields a
/// request may write (anything else is `INVALID_FIELD`, as in a real org) and
/// which of them are external ids usable in an upsert URL.
public struct SalesforceObjectSchema: Sendable {
    public var name: String
    /// The 3-character id prefix of the type (`006` for Opportunity).
    public var keyPrefix: String
    public var fields: Set<String>
    public var externalIDFields: Set<String>

    public init(name: String, keyPrefix: String, fields: Set<String>, externalIDFields: Set<String> = []) {
        precondition(keyPrefix.utf8.count == 3, "a Salesforce key prefix has 3 characters")
        self.name = name
        self.keyPrefix = keyPrefix
        self.fields = fields.union(externalIDFields)
        self.externalIDFields = externalIDFields
    }

    /// Opportunity with the custom fields the InkBridge examples map contracts to;
    /// `Contract_Id__c` is an external id.
    public static let opportunity = SalesforceObjectSchema(
        name: "Opportunity", keyPrefix: "006",
        fields: ["Name", "StageName", "CloseDate", "Amount", "Description", "Contract_Status__c",
                 "Contract_Title__c", "Contract_Effective__c", "Contract_Expiry__c", "Contract_Currency__c",
                 "Contract_Tier__c", "Contract_Sequence__c", "Contract_Updated_At__c"],
        externalIDFields: ["Contract_Id__c"])

    public static let account = SalesforceObjectSchema(
        name: "Account", keyPrefix: "001",
        fields: ["Name", "Description", "SLA_Tier__c", "SLA_Expiration_Date__c", "Contract_Status__c"],
        externalIDFields: ["Customer_Id__c"])
}

/// One record held by the emulator.
public struct SalesforceRecord: Sendable, Equatable {
    public let id: String
    /// Field values as last written, in first-written order.
    public var fields: JSONObject

    public init(id: String, fields: JSONObject) {
        self.id = id
        self.fields = fields
    }

    public subscript(field: String) -> JSON? { fields[field] }
}

/// A failure the emulator answers instead of processing a request, queued by a test.
public enum SalesforceFault: Sendable {
    /// 503 with Salesforce's error array; `Retry-After` when given.
    case serviceUnavailable(retryAfter: String? = nil)
    /// 403 `REQUEST_LIMIT_EXCEEDED` (the org's API request limit).
    case requestLimitExceeded(retryAfter: String? = nil)
    /// 429 (a proxy or the concurrency limiter in front of the org).
    case tooManyRequests(retryAfter: String? = nil)
    /// Any answer.
    case response(status: Int, headers: [(name: String, value: String)], body: String)
}

/// Which endpoint a queued fault applies to.
public enum SalesforceEndpoint: Sendable {
    case token
    case data
}
