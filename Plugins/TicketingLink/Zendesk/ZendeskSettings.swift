import InkBridgeCore

/// A validated `ticketing.zendesk` configuration (SPEC 4.1).
struct ZendeskSettings: TicketingSettings {
    /// One organisation field and the entitlement field written into it.
    struct FieldMapping: Sendable, Equatable {
        let key: String
        let field: String
    }

    let baseURL: String
    /// The `Authorization` header value.
    let authorization: String
    /// Every credential form that could echo back in an answer: redacted from excerpts.
    let redact: [String]
    let orgRef: String
    let orgFields: [FieldMapping]
    let tagPrefix: String
    /// Keys lower-cased: tiers match case-insensitively.
    let priorityByTier: [String: String]
    let contractURL: URLTemplate?

    static let known: Set<String> = ["base_url", "email", "org_ref", "org_fields", "tag_prefix", "priority_by_tier", "contract_url"]
    static let priorities = ["low", "normal", "high", "urgent"]
    static let defaultOrgRef = "contract.customer.ticketing_ref"

    /// Reads and checks settings and secrets; nil when anything is wrong (all of it reported).
    static func read(_ config: ConnectorConfig, secrets: ResolvedSecrets, issues: inout IssueCollector) -> ZendeskSettings? {
        var r = SettingsReader(config, issues: issues)
        r.rejectUnknown(known: known)
        let baseURL = r.baseURL("base_url")
        let email = r.string("email")
        let orgRef = r.eventPath("org_ref", default: defaultOrgRef)
        let fields = r.stringMap("org_fields", allowed: Entitlement.fieldNames) ?? []
        let tagPrefix = r.string("tag_prefix") ?? "sla_"
        if tagPrefix.contains(where: { $0.isWhitespace || $0 == "," }) {
            r.issues.add("tag_prefix", "must not contain spaces or commas (Zendesk splits tags on them)")
        }
        let priorities = r.stringMap("priority_by_tier", allowed: Self.priorities) ?? []
        let contractURL = r.template("contract_url")
        issues.merge(r.issues)

        // Presence is judged from the references, so a reference that failed to resolve is
        // reported once (by the loader) and not again here as "missing".
        let hasToken = config.secretRefs["api_token"] != nil
        let hasOAuth = config.secretRefs["oauth_token"] != nil
        var authorization: String?
        var redact: [String] = []
        switch (hasToken, hasOAuth) {
        case (true, true):
            issues.add("secrets.oauth_token", "give either api_token (with settings.email) or oauth_token, not both")
        case (false, false):
            issues.add("secrets.api_token", "required (with settings.email), or give secrets.oauth_token")
        case (true, false):
            if email == nil, config.settings["email"] == nil { issues.add("settings.email", "required with secrets.api_token") }
            if let email, let token = secrets["api_token"] {
                // Zendesk API tokens authenticate as `{email}/token:{api_token}` (literal "/token").
                let header = TicketingClient.basic("\(email)/token", token)
                authorization = header
                redact = [token, String(header.dropFirst("Basic ".count))]
            }
        case (false, true):
            if let token = secrets["oauth_token"] {
                authorization = "Bearer " + token
                redact = [token]
            }
        }
        guard let baseURL, let authorization, issues.isEmpty else { return nil }
        return ZendeskSettings(
            baseURL: baseURL, authorization: authorization, redact: redact, orgRef: orgRef,
            orgFields: fields.map { FieldMapping(key: $0.key, field: $0.value) }, tagPrefix: tagPrefix,
            priorityByTier: Dictionary(priorities.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { a, _ in a }),
            contractURL: contractURL)
    }

    /// `<tag_prefix><tier>`, lower-cased with spaces as `_`, the way Zendesk stores tags.
    func tag(forTier tier: String) -> String {
        (tagPrefix + tier).lowercased().map { $0.isWhitespace ? "_" : String($0) }.joined()
    }

    func priority(forTier tier: String) -> String? { priorityByTier[tier.lowercased()] }
}
