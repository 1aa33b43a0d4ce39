import InkBridgeCore

/// `ticketing.servicenow`: one entitlement record per contract in a Table API table
/// (`service_entitlement` by default), found again by its correlation field.
public struct ServiceNowPlugin: ConnectorPlugin {
    public init() {}

    public var type: String { "ticketing.servicenow" }
    public var defaultOn: Set<String> { Entitlement.Change.statuses }
    public var isStateConnector: Bool { true }
    public var secretNames: Set<String> { ["username", "password", "client_id", "client_secret"] }

    public func validate(_ config: ConnectorConfig, secrets: ResolvedSecrets, issues: inout IssueCollector) {
        _ = ServiceNowSettings.read(config, secrets: secrets, issues: &issues)
        TicketingValidation.checkOn(config, type: type, issues: &issues)
    }

    public func makeConnector(_ config: ConnectorConfig, secrets: ResolvedSecrets, context: ConnectorContext) throws -> any Connector {
        var issues = IssueCollector(prefix: config.path)
        guard let settings = ServiceNowSettings.read(config, secrets: secrets, issues: &issues) else {
            throw ValidationError(issues.issues)
        }
        return ServiceNowConnector(settings: settings, context: context)
    }
}
