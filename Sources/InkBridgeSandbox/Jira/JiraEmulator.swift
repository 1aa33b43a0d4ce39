import Foundation
import InkBridgeCore

/// A local Jira Cloud site with Service Management on 127.0.0.1, for tests and `inkbridge demo`:
/// organisations with entity properties, issues with status categories, entity properties and
/// remote links (upsert by `globalId`), the enhanced JQL search with token pagination, Basic
/// email:api_token authentication and Jira's error shapes (wire-formats 4). Every request is logged.
///
/// ```swift
/// let jira = try JiraEmulator()
/// jira.addOrganization(JiraOrganization(id: 361, name: "Acme"))
/// jira.addIssue(JiraIssue(id: 10001, key: "SD-1", organizationIDs: [361]))
/// // settings: "base_url": jira.baseURL, "email": jira.configuration.email; secrets: api_token
/// jira.issue("SD-1")?.properties["inkbridge.entitlement"]; jira.issue("SD-1")?.remoteLinks
/// ```
public final class JiraEmulator: Sendable {
    public struct Configuration: Sendable {
        public var email = "ops@acme.example"
        public var apiToken = "jira-api-token-ATATT3x"
        /// The largest page the search answers, whatever `maxResults` asks.
        public var maxPageSize = 100

        public init() {}
    }

    public let configuration: Configuration
    private let state = Locked(JiraEmulatorState())
    /// The server, the request log and the queued faults.
    private let core: TicketingEmulatorCore

    public init(_ configuration: Configuration = Configuration()) throws {
        let router = JiraEmulatorRouter(state: state, configuration: configuration)
        self.configuration = configuration
        core = try TicketingEmulatorCore { request in await router.handle(request) }
    }

    /// Every request received, in arrival order.
    public var requests: CapturedRequestLog { core.log }

    /// `http://127.0.0.1:PORT`: the connector's `base_url`.
    public var baseURL: String { core.baseURL }

    public func stop() { core.stop() }

    // MARK: seeding and reading

    public func addOrganization(_ organization: JiraOrganization) {
        state.withLock { $0.organizations[organization.id] = organization }
    }

    public func addIssue(_ issue: JiraIssue) {
        state.withLock { $0.issues[issue.id] = issue }
    }

    public func organization(_ id: Int64) -> JiraOrganization? { state.withLock { $0.organizations[id] } }

    /// By id or key.
    public func issue(_ idOrKey: String) -> JiraIssue? {
        state.withLock { s in s.issueID(idOrKey).flatMap { s.issues[$0] } }
    }

    public var issues: [JiraIssue] { state.withLock { $0.issues.values.sorted { $0.id < $1.id } } }

    // MARK: faults

    /// The next `count` requests (under `pathPrefix`, when given) answer `status`; a 429 carries
    /// `Retry-After` and the `X-RateLimit-*` headers Jira sends.
    public func failNext(_ count: Int = 1, status: Int = 429, retryAfter: String? = "1", pathPrefix: String? = nil) {
        var headers: [(name: String, value: String)] = [("Content-Type", "application/json")]
        if let retryAfter { headers.append(("Retry-After", retryAfter)) }
        if status == 429 { headers += [("X-RateLimit-Limit", "100"), ("X-RateLimit-Remaining", "0"), ("RateLimit-Reason", "jira-burst-based")] }
        let message = status == 429 ? "Rate limit exceeded." : "Service unavailable."
        let body = JSON.object(JSONObject([("errorMessages", [.string(message)]), ("errors", .object(JSONObject()))])).serialized()
        core.enqueue(TicketingFault(status: status, headers: headers, body: body, pathPrefix: pathPrefix), count: count)
    }
}
