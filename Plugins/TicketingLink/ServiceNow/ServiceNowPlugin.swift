import InkBridgeCore

/// `ticketing.servicenow`: one entitlement record per contract in a Table API table
/// (`service_entitlement` by default), found again by its correlation field.
public struct ServiceNowPlugin: ConnectorPlugin, TicketingPlugin {
    public init() {}

    public var type: String { "ticketing.servicenow" }
    public var secretNames: Set<String> { ["username", "password", "client_id", "client_secret"] }

    func connector(_ settings: ServiceNowSettings, context: ConnectorContext) -> any Connector {
        ServiceNowConnector(settings: settings, context: context)
    }
}
