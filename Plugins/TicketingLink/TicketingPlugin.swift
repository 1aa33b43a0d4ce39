import InkBridgeCore

/// A ticketing connector's validated settings, read by one function for both `validate` and
/// `makeConnector`, so the two can never disagree about what is valid.
protocol TicketingSettings: Sendable {
    /// The settings, or nil with every problem reported under `issues`.
    static func read(_ config: ConnectorConfig, secrets: ResolvedSecrets, issues: inout IssueCollector) -> Self?
}

/// What the three ticketing plugins share: state connectors that act only on the entitlement
/// statuses, validated by reading their settings. A conformer gives its `type`, its
/// `secretNames` and how a connector is made from its settings.
protocol TicketingPlugin: ConnectorPlugin {
    associatedtype Settings: TicketingSettings

    func connector(_ settings: Settings, context: ConnectorContext) -> any Connector
}

extension TicketingPlugin {
    public var defaultOn: Set<String> { Entitlement.Change.statuses }
    public var isStateConnector: Bool { true }

    public func validate(_ config: ConnectorConfig, secrets: ResolvedSecrets, issues: inout IssueCollector) {
        _ = Settings.read(config, secrets: secrets, issues: &issues)
        // A ticketing connector only knows how to grant and revoke; any other routed status
        // would be a silent no-op, so it is a configuration error instead.
        let extra = config.on.subtracting(Entitlement.Change.statuses)
        if !extra.isEmpty {
            issues.add("on", "\(type) acts only on \(Entitlement.Change.statuses.sorted().joined(separator: " ")); remove \(extra.sorted().joined(separator: " "))")
        }
    }

    public func makeConnector(_ config: ConnectorConfig, secrets: ResolvedSecrets, context: ConnectorContext) throws -> any Connector {
        var issues = IssueCollector(prefix: config.path)
        guard let settings = Settings.read(config, secrets: secrets, issues: &issues) else {
            throw ValidationError(issues.issues)
        }
        return connector(settings, context: context)
    }
}
