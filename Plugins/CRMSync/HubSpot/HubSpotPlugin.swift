import InkBridgeCore

/// `crm.hubspot` (SPEC 4.1): a private-app token; PATCH an object by id or
/// batch-upsert it by a unique property; properties mapped from event paths.
///
/// Recommended `rate_limit`: 9 (requests per second). HubSpot allows 100
/// requests per 10 s per private app on its lowest tier; 9/s with the local
/// burst of 9 stays under it. The connector enforces `rate_limit` (default 9)
/// itself too, with `HubSpotRequestPacer`, because a configuration without a
/// `rate_limit` would otherwise run into 429s.
public struct HubSpotPlugin: ConnectorPlugin {
    public init() {}

    public var type: String { "crm.hubspot" }
    public var defaultOn: Set<String> { ContractStatus.allNames }
    public var isStateConnector: Bool { true }
    public var secretNames: Set<String> { ["access_token"] }

    public func validate(_ config: ConnectorConfig, secrets: ResolvedSecrets, issues: inout IssueCollector) {
        var sc = issues.nested("settings")
        _ = HubSpotSettings.parse(config.settings, &sc)
        issues.merge(sc)
        SettingsReader.requireSecret("access_token", secrets, &issues)
    }

    public func makeConnector(_ config: ConnectorConfig, secrets: ResolvedSecrets, context: ConnectorContext) throws -> any Connector {
        var issues = IssueCollector(prefix: config.path)
        validate(config, secrets: secrets, issues: &issues)
        var sc = IssueCollector(prefix: issues.path("settings"))
        guard issues.isEmpty, let settings = HubSpotSettings.parse(config.settings, &sc),
              let token = secrets["access_token"]
        else { throw ValidationError(issues.issues) }
        let pacer = HubSpotRequestPacer(ratePerSecond: config.options.rateLimit ?? HubSpotRequestPacer.defaultRate,
                                        clock: context.clock)
        return HubSpotConnector(settings: settings, accessToken: token, pacer: pacer, http: context.http,
                                allowPrivate: context.network.allowPrivate, timeout: context.timeout,
                                redactor: SecretRedactor(secrets.allValues), clock: context.clock)
    }
}
