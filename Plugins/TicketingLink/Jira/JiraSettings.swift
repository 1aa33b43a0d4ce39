import Foundation
import InkBridgeCore

/// A validated `ticketing.jira` configuration (SPEC 4.1).
struct JiraSettings: TicketingSettings {
    let baseURL: String
    let authorization: String
    let redact: [String]
    let orgRef: String
    let propertyKey: String
    let contractURL: URLTemplate?
    /// The JQL clause that selects the organisation's issues, `{org}` standing for the reference.
    let orgJQL: String

    static let known: Set<String> = ["base_url", "email", "org_ref", "property_key", "contract_url", "org_jql"]
    static let defaultPropertyKey = "inkbridge.entitlement"
    /// JSM's Organizations field; a site that names organisations differently can set `org_jql`.
    static let defaultOrgJQL = "organizations = {org}"

    static func read(_ config: ConnectorConfig, secrets: ResolvedSecrets, issues: inout IssueCollector) -> JiraSettings? {
        var r = SettingsReader(config, issues: issues)
        r.rejectUnknown(known: known)
        let baseURL = r.baseURL("base_url")
        let email = r.string("email", required: true)
        let orgRef = r.eventPath("org_ref", default: ZendeskSettings.defaultOrgRef)
        let propertyKey = r.string("property_key") ?? defaultPropertyKey
        // Jira caps entity property keys at 255 characters.
        if propertyKey.utf8.count > 255 { r.issues.add("property_key", "must be at most 255 bytes") }
        let contractURL = r.template("contract_url")
        let orgJQL = r.string("org_jql") ?? defaultOrgJQL
        if !orgJQL.contains("{org}") { r.issues.add("org_jql", "must contain {org}, where the organisation reference goes") }
        issues.merge(r.issues)

        if config.secretRefs["api_token"] == nil { issues.add("secrets.api_token", "required") }
        guard let baseURL, let email, let token = secrets["api_token"], issues.isEmpty else { return nil }
        let authorization = TicketingClient.basic(email, token)
        return JiraSettings(baseURL: baseURL, authorization: authorization,
                            redact: [token, String(authorization.dropFirst("Basic ".count))],
                            orgRef: orgRef, propertyKey: propertyKey, contractURL: contractURL, orgJQL: orgJQL)
    }

    /// The organisation clause and "open" (SPEC 8.2: `statusCategory != Done`).
    func openIssuesJQL(org: String) -> String {
        let value = org.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) ? org : Self.quoted(org)
        return "\(orgJQL.replacingOccurrences(of: "{org}", with: value)) AND statusCategory != Done"
    }

    /// A JQL string literal.
    static func quoted(_ s: String) -> String {
        "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}
