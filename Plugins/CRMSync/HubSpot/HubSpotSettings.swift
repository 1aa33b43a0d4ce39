import InkBridgeCore

/// The validated settings of a `crm.hubspot` connector (SPEC 4.1).
struct HubSpotSettings: Sendable, Equatable {
    static let keys = ["base_url", "object_type", "record_ref", "upsert", "fields"]
    static let defaultBaseURL = "https://api.hubapi.com"

    var baseURL: String
    /// `deals`, `companies`, `contacts`, or an object type id such as `2-1234567`.
    var objectType: String
    var target: RecordTarget
    var fields: FieldMapping

    /// Parses `settings`, reporting every problem under `issues` (prefix `...settings`).
    static func parse(_ settings: JSONObject, _ issues: inout IssueCollector) -> HubSpotSettings? {
        let issuesBefore = issues.issues.count
        SettingsReader.rejectUnknownKeys(settings, allowed: keys, &issues)
        let baseURL = SettingsReader.baseURL(settings, "base_url", required: false, &issues)
        var objectType: String?
        if let t = SettingsReader.string(settings, "object_type", required: true, &issues) {
            if SettingsReader.isPathName(t) { objectType = t } else {
                issues.add("object_type", "must be an object type such as deals, companies or 2-1234567")
            }
        }
        let target = RecordTarget.parse(settings, keyName: "property", &issues)
        let fields = FieldMapping.parse(settings: settings, &issues)
        guard let objectType, let target, let fields, issues.issues.count == issuesBefore else { return nil }
        return HubSpotSettings(baseURL: baseURL ?? defaultBaseURL, objectType: objectType, target: target, fields: fields)
    }

    /// `PATCH /crm/v3/objects/{objectType}/{id}`
    func recordURL(id: String) -> String {
        "\(baseURL)/crm/v3/objects/\(objectType)/\(URLEncoding.pathSegment(id))"
    }

    /// `POST /crm/v3/objects/{objectType}/batch/upsert`
    var batchUpsertURL: String { "\(baseURL)/crm/v3/objects/\(objectType)/batch/upsert" }
}
