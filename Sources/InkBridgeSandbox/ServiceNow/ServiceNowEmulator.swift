import Foundation
import InkBridgeCore

/// A local ServiceNow instance on 127.0.0.1, for tests and `inkbridge demo`: the Table API
/// (list with `sysparm_query`/`sysparm_limit`/`sysparm_offset`, create, read, PATCH/PUT) over
/// in-memory tables, basic authentication and `/oauth_token.do` (client credentials and password
/// grants) with expiring tokens, ServiceNow's error shape (wire-formats 5). Every request is logged.
///
/// ```swift
/// let sn = try ServiceNowEmulator()
/// // settings: "instance_url": sn.baseURL; secrets: username/password or client_id/client_secret
/// sn.records("service_entitlement"); sn.expireAllTokens(); sn.failNext(status: 429, retryAfter: "3")
/// ```
public final class ServiceNowEmulator: Sendable {
    public struct Configuration: Sendable {
        public var username = "inkbridge.integration"
        public var password = "sn-password-81d2"
        public var clientID = "sn-client-id-4c1b"
        public var clientSecret = "sn-client-secret-90ae"
        /// Tables that exist; a request for another answers 400 "Invalid table".
        public var tables: [String] = ["service_entitlement"]
        /// Seconds an issued access token is accepted (`expires_in`).
        public var tokenLifetime: Double = 1800

        public init() {}
    }

    public let configuration: Configuration
    private let state: Locked<ServiceNowEmulatorState>
    /// The server, the request log and the queued faults.
    private let core: TicketingEmulatorCore

    public init(_ configuration: Configuration = Configuration()) throws {
        var initial = ServiceNowEmulatorState()
        for t in configuration.tables { initial.tables[t] = [] }
        let state = Locked(initial)
        let router = ServiceNowEmulatorRouter(state: state, configuration: configuration)
        self.configuration = configuration
        self.state = state
        core = try TicketingEmulatorCore { request in await router.handle(request) }
    }

    /// Every request received, in arrival order.
    public var requests: CapturedRequestLog { core.log }

    /// `http://127.0.0.1:PORT`: the connector's `instance_url`.
    public var baseURL: String { core.baseURL }

    public func stop() { core.stop() }

    /// The records of a table, in creation order.
    public func records(_ table: String) -> [ServiceNowRecord] { state.withLock { $0.tables[table] ?? [] } }

    /// Adds a record (a new `sys_id` is assigned) and answers it.
    @discardableResult
    public func addRecord(_ table: String, fields: [String: String]) -> ServiceNowRecord {
        state.withLock { $0.insert(table, fields: fields, createdBy: nil) }
    }

    /// Token requests received so far, successful or not.
    public var tokenRequestCount: Int { state.withLock { $0.tokenRequests } }

    /// Revokes every access token issued so far: the next Table API call with one answers 401.
    public func expireAllTokens() { state.withLock { $0.tokens.removeAll() } }

    /// The next `count` requests (under `pathPrefix`, when given) answer `status` with ServiceNow's error shape.
    public func failNext(_ count: Int = 1, status: Int = 429, retryAfter: String? = "1", pathPrefix: String? = nil) {
        var headers: [(name: String, value: String)] = [("Content-Type", "application/json")]
        if let retryAfter { headers.append(("Retry-After", retryAfter)) }
        let message = status == 429 ? "Rate limit exceeded" : "Service unavailable"
        let body = JSON.object(JSONObject([("error", ["message": .string(message), "detail": "Inbound REST API rate limit"]), ("status", "failure")]))
        core.enqueue(TicketingFault(status: status, headers: headers, body: body.serialized(), pathPrefix: pathPrefix), count: count)
    }
}
