/// Decides which of a tenant's connectors receive an event: the connector's
/// `on` list (or its type's default) and its `filter`.
public enum Router {
    public static func plan(_ event: ContractEvent, tenant: TenantConfig, registry: ConnectorRegistry,
                            paused: (ConnectorKey) -> Bool) -> [PlannedDelivery] {
        tenant.connectors.compactMap { c in
            guard c.accepts(event), let plugin = registry[c.type] else { return nil }
            return PlannedDelivery(connector: c.id, isStateConnector: plugin.isStateConnector,
                                   paused: paused(ConnectorKey(tenant: tenant.id, connector: c.id)))
        }
    }
}
