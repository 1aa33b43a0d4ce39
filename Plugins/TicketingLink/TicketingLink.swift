import InkBridgeCore

/// The ticketing connector types this module provides, for the executable's registry:
/// `ConnectorRegistry(TicketingLink.plugins + ...)`.
///
/// All three are state connectors acting on `executed renewed amended` (grant the SLA
/// entitlement) and `expired terminated voided` (revoke it). Each derives the `Entitlement` from
/// the event alone and writes it with idempotent steps only, so an interrupted delivery is simply
/// repeated from the start.
public enum TicketingLink {
    public static let plugins: [any ConnectorPlugin] = [ZendeskPlugin(), JiraPlugin(), ServiceNowPlugin()]
}
