import InkBridgeCore

/// The CRM connector plugins, for the executable's registry:
/// `ConnectorRegistry(... + CRMSync.plugins)`.
public enum CRMSync {
    public static let plugins: [any ConnectorPlugin] = [SalesforcePlugin(), HubSpotPlugin()]
}
