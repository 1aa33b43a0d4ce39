import Foundation

/// A connector type, provided by a module under `Plugins/`: declares its type
/// name, defaults and settings, validates a tenant's configuration at load time
/// and builds configured `Connector`s.
///
/// A conformer must guarantee:
/// - `validate` reports every problem of the settings and secrets it is given,
///   each with its path below the collector's prefix (`settings.url: required`),
///   and does no I/O. Anything it accepts must not fail in `makeConnector` for
///   a reason that validation could have seen.
/// - `makeConnector` does no network I/O; the connector talks to the world
///   only when it delivers.
public protocol ConnectorPlugin: Sendable {
    /// The `type` users write in connectors.json (`webhook`, `crm.salesforce`).
    var type: String { get }
    /// The statuses (or `contract.renewal_due`) routed when `on` is absent.
    var defaultOn: Set<String> { get }
    /// State connectors (CRM, ticketing) carry the contract's latest state: an
    /// older undelivered status is superseded by a newer one, and a status older
    /// than one already delivered is `stale` and never sent.
    var isStateConnector: Bool { get }
    /// The secret names this type knows; anything else under `secrets` is an error.
    var secretNames: Set<String> { get }

    /// Validates `config.settings` and `config.secrets` (secrets are already resolved).
    func validate(_ config: ConnectorConfig, secrets: ResolvedSecrets, issues: inout IssueCollector)

    /// Builds a connector for a validated configuration.
    func makeConnector(_ config: ConnectorConfig, secrets: ResolvedSecrets, context: ConnectorContext) throws -> any Connector
}

extension ConnectorPlugin {
    public var isStateConnector: Bool { false }
}

/// What the hub hands a connector when it builds it.
public struct ConnectorContext: Sendable {
    /// The one outbound HTTP client (libcurl). Connectors never import a C module.
    public let http: any HTTPTransport
    /// Whether tenant-controlled URLs may reach private and loopback addresses.
    public let network: NetworkPolicy
    /// The connector's per-request timeout in seconds.
    public let timeout: Double
    public let tenantID: String
    public let connectorID: String
    /// A directory for temporary files (downloads), on the same filesystem as nothing in particular.
    public let temporaryDirectory: String
    public let clock: any HubClock

    public init(http: any HTTPTransport, network: NetworkPolicy, timeout: Double, tenantID: String, connectorID: String,
                temporaryDirectory: String, clock: any HubClock = SystemClock()) {
        self.http = http
        self.network = network
        self.timeout = timeout
        self.tenantID = tenantID
        self.connectorID = connectorID
        self.temporaryDirectory = temporaryDirectory
        self.clock = clock
    }
}

/// The secrets of one connector, resolved from their references. The values
/// never appear in logs, errors, API answers or attempt records.
public struct ResolvedSecrets: Sendable {
    private let values: [String: String]

    public init(_ values: [String: String]) { self.values = values }

    public subscript(name: String) -> String? { values[name] }
    public var names: [String] { values.keys.sorted() }
    /// Every value, for redacting response excerpts.
    public var allValues: [String] { Array(values.values) }
}

/// The registry of connector types, built once at start-up from the plugins the executable links.
public struct ConnectorRegistry: Sendable {
    public let plugins: [String: any ConnectorPlugin]

    public init(_ plugins: [any ConnectorPlugin]) {
        var map: [String: any ConnectorPlugin] = [:]
        for p in plugins {
            precondition(map[p.type] == nil, "connector type \(p.type) registered twice")
            map[p.type] = p
        }
        self.plugins = map
    }

    public subscript(type: String) -> (any ConnectorPlugin)? { plugins[type] }
    public var types: [String] { plugins.keys.sorted() }
}
