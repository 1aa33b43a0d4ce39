import InkBridgeCore

/// The ticketing connector types this module provides, for the executable's registry:
/// `ConnectorRegistry(TicketingLink.plugins + ...)`.
public enum TicketingLink {
    public static let plugins: [any ConnectorPlugin] = [ZendeskPlugin(), JiraPlugin(), ServiceNowPlugin()]
}
