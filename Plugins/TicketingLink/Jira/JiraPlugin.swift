import InkBridgeCore

/// `ticketing.jira`: Jira Service Management. The entitlement as an organisation property; each
/// open issue of the organisation gets it as an issue property plus a remote link to the contract.
public struct JiraPlugin: ConnectorPlugin {
    public init() {}

    public var type: String { "ticketing.jira" }
    public var defaultOn: Set<String> { Entitlement.Change.statuses }
    public var isStateConnector: Bool { true }
    public var secretNames: Set<String> { ["api_token"] }

    public func validate(_ config: ConnectorConfig, secrets: ResolvedSecrets, issues: inout IssueCollector) {
        _ = JiraSettings.read(config, secrets: secrets, issues: &issues)
        TicketingValidation.checkOn(config, type: type, issues: &issues)
    }

    public func makeConnector(_ config: ConnectorConfig, secrets: ResolvedSecrets, context: ConnectorContext) throws -> any Connector {
        var issues = IssueCollector(prefix: config.path)
        guard let settings = JiraSettings.read(config, secrets: secrets, issues: &issues) else {
            throw ValidationError(issues.issues)
        }
        return JiraConnector(settings: settings, context: context)
    }
}
