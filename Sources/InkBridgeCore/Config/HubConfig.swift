import Foundation

/// The validated content of connectors.json.
public struct HubConfig: Sendable {
    public let version: Int
    public let tenants: [TenantConfig]
    public let network: NetworkPolicy

    public init(version: Int, tenants: [TenantConfig], network: NetworkPolicy) {
        self.version = version
        self.tenants = tenants
        self.network = network
    }

    public func tenant(_ id: String) -> TenantConfig? { tenants.first { $0.id == id } }
}

public struct NetworkPolicy: Sendable, Equatable {
    /// Whether tenant-controlled URLs may reach loopback, private and link-local addresses (local tests only).
    public var allowPrivate: Bool
    public init(allowPrivate: Bool = false) { self.allowPrivate = allowPrivate }
}

public struct TenantConfig: Sendable {
    public let id: String
    public let name: String?
    /// SHA-256 hashes (lower-case hex) of the tenant's API keys.
    public let apiKeyHashes: [String]
    public let connectors: [ConnectorConfig]

    public init(id: String, name: String?, apiKeyHashes: [String], connectors: [ConnectorConfig]) {
        self.id = id
        self.name = name
        self.apiKeyHashes = apiKeyHashes
        self.connectors = connectors
    }
}

/// One connector of one tenant, as configured.
public struct ConnectorConfig: Sendable {
    public let id: String
    public let type: String
    public let tenantID: String
    /// The routing keys (statuses or `contract.renewal_due`) this connector receives.
    public let on: Set<String>
    /// Event path -> accepted values; an event passes when every path's value is listed.
    public let filter: [(path: String, values: [JSON])]
    public let options: ConnectorOptions
    /// The plugin's own settings object.
    public let settings: JSONObject
    public let secretRefs: [String: SecretRef]
    /// Where this connector sits in the file (`tenants[0].connectors[2]`), for error paths.
    public let path: String

    public init(id: String, type: String, tenantID: String, on: Set<String>, filter: [(path: String, values: [JSON])],
                options: ConnectorOptions, settings: JSONObject, secretRefs: [String: SecretRef], path: String) {
        self.id = id
        self.type = type
        self.tenantID = tenantID
        self.on = on
        self.filter = filter
        self.options = options
        self.settings = settings
        self.secretRefs = secretRefs
        self.path = path
    }

    /// Whether an event is routed to this connector.
    public func accepts(_ event: ContractEvent) -> Bool {
        guard options.enabled, on.contains(event.routingKey) else { return false }
        for rule in filter {
            guard let value = event[path: rule.path], rule.values.contains(value) else { return false }
        }
        return true
    }

    public func setting(_ key: String) -> JSON? { settings[key] }
    public func stringSetting(_ key: String) -> String? { settings[key]?.stringValue }
}

/// Per-connector delivery options (SPEC section 3), inherited from `defaults`.
public struct ConnectorOptions: Sendable, Equatable {
    /// Delays in seconds between attempts: attempts = 1 + count.
    public var retrySchedule: [Double]
    /// A delivery older than this (seconds since it was created) goes dead instead of retrying.
    public var maxAge: Double?
    /// Requests per second, nil for no limit.
    public var rateLimit: Double?
    public var concurrency: Int
    public var timeout: Double
    public var enabled: Bool

    /// Svix's schedule: now, then 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h.
    public static let defaultSchedule: [Double] = [5, 300, 1800, 7200, 18000, 36000, 36000]

    public init(retrySchedule: [Double] = ConnectorOptions.defaultSchedule, maxAge: Double? = nil, rateLimit: Double? = nil,
                concurrency: Int = 16, timeout: Double = 30, enabled: Bool = true) {
        self.retrySchedule = retrySchedule
        self.maxAge = maxAge
        self.rateLimit = rateLimit
        self.concurrency = concurrency
        self.timeout = timeout
        self.enabled = enabled
    }

    public var maxAttempts: Int { 1 + retrySchedule.count }
}

/// Where a secret's value comes from. The reference is configuration; the value never is.
public enum SecretRef: Sendable, Equatable, CustomStringConvertible {
    case env(String)
    case file(String)
    /// The hub's encrypted secret store: `TENANT/NAME`.
    case secret(String)

    public var description: String {
        switch self {
        case .env(let n): return "env \(n)"
        case .file(let p): return "file \(p)"
        case .secret(let n): return "secret \(n)"
        }
    }
}
