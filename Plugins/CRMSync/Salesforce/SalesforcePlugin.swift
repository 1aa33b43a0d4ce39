import InkBridgeCore

/// `crm.salesforce` (SPEC 4.1): OAuth 2.0 client credentials, or the refresh
/// token flow when `refresh_token` is configured; PATCH by record id or upsert
/// by external id; fields mapped from event paths.
public struct SalesforcePlugin: ConnectorPlugin {
    public init() {}

    public var type: String { "crm.salesforce" }
    public var defaultOn: Set<String> { ContractStatus.allNames }
    public var isStateConnector: Bool { true }
    public var secretNames: Set<String> { ["client_id", "client_secret", "refresh_token"] }

    public func validate(_ config: ConnectorConfig, secrets: ResolvedSecrets, issues: inout IssueCollector) {
        var sc = issues.nested("settings")
        _ = SalesforceSettings.parse(config.settings, &sc)
        issues.merge(sc)
        SettingsReader.requireSecret("client_id", secrets, &issues)
        SettingsReader.requireSecret("client_secret", secrets, &issues)
    }

    public func makeConnector(_ config: ConnectorConfig, secrets: ResolvedSecrets, context: ConnectorContext) throws -> any Connector {
        var issues = IssueCollector(prefix: config.path)
        validate(config, secrets: secrets, issues: &issues)
        var sc = IssueCollector(prefix: issues.path("settings"))
        guard issues.isEmpty, let settings = SalesforceSettings.parse(config.settings, &sc),
              let clientID = secrets["client_id"], let clientSecret = secrets["client_secret"]
        else { throw ValidationError(issues.issues) }
        let redactor = SecretRedactor(secrets.allValues)
        let client = SalesforceTokenClient(tokenURL: settings.tokenURL, clientID: clientID, clientSecret: clientSecret,
                                           refreshToken: secrets["refresh_token"], http: context.http,
                                           allowPrivate: context.network.allowPrivate, timeout: context.timeout,
                                           redactor: redactor, clock: context.clock)
        return SalesforceConnector(settings: settings, tokens: SalesforceTokenCache(client: client, clock: context.clock),
                                   http: context.http, allowPrivate: context.network.allowPrivate,
                                   timeout: context.timeout, redactor: redactor, clock: context.clock)
    }
}
