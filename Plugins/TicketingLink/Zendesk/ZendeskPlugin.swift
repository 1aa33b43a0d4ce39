import InkBridgeCore

/// `ticketing.zendesk`: the SLA entitlement in the organisation's fields, its open tickets
/// tagged `<tag_prefix><tier>` and prioritised; revoked on expiry, termination or voiding.
public struct ZendeskPlugin: ConnectorPlugin, TicketingPlugin {
    public init() {}

    public var type: String { "ticketing.zendesk" }
    public var secretNames: Set<String> { ["api_token", "oauth_token"] }

    func connector(_ settings: ZendeskSettings, context: ConnectorContext) -> any Connector {
        ZendeskConnector(settings: settings, context: context)
    }
}
