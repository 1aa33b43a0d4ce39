import InkBridgeCore

/// `ticketing.zendesk`: the SLA entitlement in the organisation's fields, its open tickets
/// tagged `<tag_prefix><tier>` and prioritised; revoked on expiry, termination or voiding.
public struct ZendeskPlugin: ConnectorPlugin {
    public init() {}

    public var type: String { "ticketing.zendesk" }
    public var defaultOn: Set<String> { Entitlement.Change.statuses }
    public var isStateConnector: Bool { true }
    public var secretNames: Set<String> { ["api_token", "oauth_token"] }

    public func validate(_ config: ConnectorConfig, secrets: ResolvedSecrets, issues: inout IssueCollector) {
        _ = ZendeskSettings.read(config, secrets: secrets, issues: &issues)
        TicketingValidation.checkOn(config, type: type, issues: &issues)
    }

    public func makeConnector(_ config: ConnectorConfig, secrets: ResolvedSecrets, context: ConnectorContext) throws -> any Connector {
        var issues = IssueCollector(prefix: config.path)
        guard let settings = ZendeskSettings.read(config, secrets: secrets, issues: &issues) else {
            throw ValidationError(issues.issues)
        }
        return ZendeskConnector(settings: settings, context: context)
    }
}
