import InkBridgeCore

/// A validated `ticketing.servicenow` configuration (SPEC 4.1).
struct ServiceNowSettings: TicketingSettings {
    /// How requests authenticate: HTTP basic, or an OAuth token from `/oauth_token.do`.
    enum Auth: Sendable {
        case basic(authorization: String)
        /// The form fields of the token request (`grant_type`, `client_id`, ...).
        case oauth(form: [Field])
    }

    struct Field: Sendable, Equatable {
        let name: String
        let value: String
    }

    /// One record column and where its value comes from: an entitlement field, `name` or `account`.
    struct Column: Sendable, Equatable {
        let column: String
        let source: String
    }

    let instanceURL: String
    let auth: Auth
    let redact: [String]
    let accountRef: String
    let table: String
    let correlationField: String
    let columns: [Column]
    let contractURL: URLTemplate?

    static let known: Set<String> = ["instance_url", "account_ref", "table", "correlation_field", "fields", "contract_url"]
    /// Column names of the CSM Entitlement table as far as they are documented; the `u_` ones are
    /// custom columns an instance adds. A site with other names sets `fields`.
    static let defaultColumns: [Column] = [
        Column(column: "entitlement_name", source: "name"),
        Column(column: "account", source: "account"),
        Column(column: "start_date", source: "effective_date"),
        Column(column: "end_date", source: "expiry_date"),
        Column(column: "active", source: "active"),
        Column(column: "u_sla_tier", source: "tier"),
        Column(column: "u_business_hours", source: "business_hours"),
        Column(column: "u_sla_targets", source: "targets"),
        Column(column: "u_contract_url", source: "contract_url"),
    ]
    static let sources = ["name", "account"] + Entitlement.fieldNames

    static func read(_ config: ConnectorConfig, secrets: ResolvedSecrets, issues: inout IssueCollector) -> ServiceNowSettings? {
        var r = SettingsReader(config, issues: issues)
        r.rejectUnknown(known: known)
        let instanceURL = r.baseURL("instance_url")
        let accountRef = r.eventPath("account_ref", default: ZendeskSettings.defaultOrgRef)
        let table = r.identifier("table", default: "service_entitlement")
        let correlationField = r.identifier("correlation_field", default: "correlation_id")
        var columns = defaultColumns
        let badColumn: (String) -> String? = { name in
            name.utf8.allSatisfy(SettingsReader.isIdentifierByte) && !name.isEmpty ? nil : "is not a column name (letters, digits and '_')"
        }
        if let mapped = r.stringMap("fields", allowed: sources, keyCheck: badColumn) {
            columns = mapped.map { Column(column: $0.key, source: $0.value) }
            // Revoking means setting the record inactive: without an `active` column it could not.
            if !columns.contains(where: { $0.source == "active" }) { r.issues.add("fields", "must map a column to active") }
        }
        let contractURL = r.template("contract_url")
        issues.merge(r.issues)

        let refs = config.secretRefs
        let basicPair = refs["username"] != nil || refs["password"] != nil
        let oauthPair = refs["client_id"] != nil || refs["client_secret"] != nil
        for (a, b) in [("username", "password"), ("password", "username"), ("client_id", "client_secret"), ("client_secret", "client_id")]
        where refs[a] != nil && refs[b] == nil {
            issues.add("secrets.\(b)", "required with secrets.\(a)")
        }
        if !basicPair && !oauthPair {
            issues.add("secrets.username", "required with secrets.password, or give secrets.client_id and secrets.client_secret")
        }
        guard let instanceURL, issues.isEmpty else { return nil }

        let auth: Auth
        var redact: [String] = secrets.allValues
        if oauthPair, let id = secrets["client_id"], let secret = secrets["client_secret"] {
            // With a user too, the password grant (every release); without, client credentials (newer releases).
            var form = [Field(name: "client_id", value: id), Field(name: "client_secret", value: secret)]
            if let user = secrets["username"], let password = secrets["password"] {
                form = [Field(name: "grant_type", value: "password")] + form
                    + [Field(name: "username", value: user), Field(name: "password", value: password)]
            } else {
                form = [Field(name: "grant_type", value: "client_credentials")] + form
            }
            auth = .oauth(form: form)
        } else if let user = secrets["username"], let password = secrets["password"] {
            let header = TicketingClient.basic(user, password)
            auth = .basic(authorization: header)
            redact.append(String(header.dropFirst("Basic ".count)))
        } else {
            return nil
        }
        return ServiceNowSettings(instanceURL: instanceURL, auth: auth, redact: redact, accountRef: accountRef, table: table,
                                  correlationField: correlationField, columns: columns, contractURL: contractURL)
    }
}
