import InkBridgeCore

/// The validated settings of a `crm.salesforce` connector (SPEC 4.1).
struct SalesforceSettings: Sendable, Equatable {
    static let keys = ["instance_url", "token_url", "api_version", "object", "record_ref", "upsert", "fields"]
    static let defaultAPIVersion = "v60.0"

    var instanceURL: String
    var tokenURL: String
    var apiVersion: String
    var object: String
    var target: RecordTarget
    var fields: FieldMapping

    /// Parses `settings`, reporting every problem under `issues` (prefix `...settings`).
    static func parse(_ settings: JSONObject, _ issues: inout IssueCollector) -> SalesforceSettings? {
        let issuesBefore = issues.issues.count
        SettingsReader.rejectUnknownKeys(settings, allowed: keys, &issues)
        let instanceURL = SettingsReader.baseURL(settings, "instance_url", required: true, &issues)
        let tokenURL = SettingsReader.baseURL(settings, "token_url", required: false, &issues)
        var apiVersion = defaultAPIVersion
        if let v = SettingsReader.string(settings, "api_version", required: false, &issues) {
            if isAPIVersion(v) { apiVersion = v } else { issues.add("api_version", "must look like v60.0") }
        }
        var object: String?
        if let o = SettingsReader.string(settings, "object", required: true, &issues) {
            if FieldMapping.isFieldName(o) { object = o } else {
                issues.add("object", "must be an sObject API name such as Opportunity or Contract_Entitlement__c")
            }
        }
        let target = RecordTarget.parse(settings, keyName: "field", &issues)
        let fields = FieldMapping.parse(settings: settings, &issues)
        if case .upsert(let key, _)? = target, settings["fields"]?.objectValue?.keys.contains(key) == true {
            // Salesforce rejects a body that repeats the external id of the URL.
            issues.add("fields.\(key)", "is the upsert field: its value comes from upsert.path and must not be mapped too")
        }
        guard let instanceURL, let object, let target, let fields, issues.issues.count == issuesBefore else { return nil }
        return SalesforceSettings(instanceURL: instanceURL, tokenURL: tokenURL ?? instanceURL + "/services/oauth2/token",
                                  apiVersion: apiVersion, object: object, target: target, fields: fields)
    }

    /// `v60.0`: Salesforce API versions in URLs.
    static func isAPIVersion(_ s: String) -> Bool {
        guard s.hasPrefix("v") else { return false }
        let parts = s.dropFirst().split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 2 && parts.allSatisfy { !$0.isEmpty && $0.count <= 4 && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }
    }

    /// The sObject resource for one delivery: by record id, or by external id (upsert).
    func recordURL(key: String) -> String {
        let base = "\(instanceURL)/services/data/\(apiVersion)/sobjects/\(object)"
        switch target {
        case .recordID: return "\(base)/\(URLEncoding.pathSegment(key))"
        case .upsert(let field, _): return "\(base)/\(field)/\(URLEncoding.pathSegment(key))"
        }
    }
}
