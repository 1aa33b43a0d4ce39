import Foundation

/// A configured connector as the dispatcher runs it.
public struct InstalledConnector: Sendable {
    public let key: ConnectorKey
    public let type: String
    public let connector: any Connector
    public let options: ConnectorOptions
    public let isStateConnector: Bool

    public init(key: ConnectorKey, type: String, connector: any Connector, options: ConnectorOptions, isStateConnector: Bool) {
        self.key = key
        self.type = type
        self.connector = connector
        self.options = options
        self.isStateConnector = isStateConnector
    }
}

/// The dispatcher's mutable bookkeeping of one connector.
struct ConnectorRuntime {
    var installed: InstalledConnector
    var stateMachine: DeliveryStateMachine
    var inFlight = 0
    var paused = false
    var breaker = CircuitBreaker()
    var bucket: TokenBucket?
    /// Something may have become claimable (ingest, completion, replay) since the last claim.
    var dirty = true
    /// The earliest time a claimable delivery is known to become due.
    var nextDue: Date?
    /// This connector's part of the dispatcher's budget of deliveries claimed ahead.
    var aheadShare = 256
    var lastSuccessAt: Date?
    var lastError: String?
    var lastErrorAt: Date?

    init(_ installed: InstalledConnector, now: Date) {
        self.installed = installed
        self.stateMachine = DeliveryStateMachine(options: installed.options)
        self.bucket = installed.options.rateLimit.map { TokenBucket(rate: $0, now: now) }
    }

    mutating func reinstall(_ installed: InstalledConnector, now: Date) {
        self.installed = installed
        self.stateMachine = DeliveryStateMachine(options: installed.options)
        if installed.options.rateLimit != bucket?.rate { bucket = installed.options.rateLimit.map { TokenBucket(rate: $0, now: now) } }
        dirty = true
    }

    /// How many deliveries this connector may start now.
    mutating func capacity(now: Date) -> Int {
        guard installed.options.enabled, !paused else { return 0 }
        var free = max(0, installed.options.concurrency - inFlight)
        free = min(free, breaker.allowance(now: now))
        if var b = bucket {
            free = min(free, b.available(now: now))
            bucket = b
        }
        return free
    }

    /// Whether a claim is worth trying now.
    func wantsClaim(now: Date) -> Bool {
        dirty || (nextDue.map { $0 <= now } ?? false)
    }
}

/// What the API shows of a connector's health.
public struct ConnectorHealth: Sendable {
    public let key: ConnectorKey
    public let type: String
    public let enabled: Bool
    public let paused: Bool
    public let circuit: CircuitBreaker.State
    public let inFlight: Int
    public let lastSuccessAt: Date?
    public let lastError: String?
    public let lastErrorAt: Date?
}
