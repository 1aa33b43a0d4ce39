import InkBridgeCore

/// `ticketing.jira`: Jira Service Management. The entitlement as an organisation property; each
/// open issue of the organisation gets it as an issue property plus a remote link to the contract.
public struct JiraPlugin: ConnectorPlugin, TicketingPlugin {
    public init() {}

    public var type: String { "ticketing.jira" }
    public var secretNames: Set<String> { ["api_token"] }

    func connector(_ settings: JiraSettings, context: ConnectorContext) -> any Connector {
        JiraConnector(settings: settings, context: context)
    }
}
