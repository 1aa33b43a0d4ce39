import Foundation
import InkBridgeCore

/// A local Zendesk Support account on 127.0.0.1 (port chosen by the OS), for tests and
/// `inkbridge demo`: organisations with custom fields, tickets with tags and priorities, the
/// organisation ticket list with cursor and offset pagination, the tags endpoint, Zendesk's
/// authentication and error shapes (wire-formats 3). Every request is logged.
///
/// ```swift
/// let zd = try ZendeskEmulator()
/// zd.addOrganization(ZendeskOrganization(id: 361, name: "Acme"))
/// zd.addTicket(ZendeskTicket(id: 1, organizationID: 361, status: "open"))
/// // settings: "base_url": zd.baseURL, "email": zd.configuration.email; secrets: api_token = zd.configuration.apiToken
/// zd.failNext(status: 429, retryAfter: "7")
/// zd.organization(361)?.fields; zd.ticket(1)?.tags; zd.requests.all
/// ```
public final class ZendeskEmulator: Sendable {
    public struct Configuration: Sendable {
        /// The agent whose API token authenticates (`{email}/token:{api_token}`).
        public var email = "agent@acme.example"
        public var apiToken = "zd-api-token-6b1f93c2"
        /// Accepted as `Authorization: Bearer`; nil: OAuth refused.
        public var oauthToken: String? = "zd-oauth-token-a77c51e0"
        /// The largest page the ticket list answers, whatever the client asks (Zendesk: 100).
        public var maxPageSize = 100

        public init() {}
    }

    public let configuration: Configuration
    private let state = Locked(ZendeskEmulatorState())
    /// The server, the request log and the queued faults.
    private let core: TicketingEmulatorCore

    public init(_ configuration: Configuration = Configuration()) throws {
        let router = ZendeskEmulatorRouter(state: state, configuration: configuration)
        self.configuration = configuration
        core = try TicketingEmulatorCore { request in await router.handle(request) }
    }

    /// Every request received, in arrival order.
    public var requests: CapturedRequestLog { core.log }

    /// `http://127.0.0.1:PORT`: the connector's `base_url`.
    public var baseURL: String { core.baseURL }

    public func stop() { core.stop() }

    // MARK: seeding and reading

    public func addOrganization(_ organization: ZendeskOrganization) {
        state.withLock { $0.organizations[organization.id] = organization }
    }

    public func addTicket(_ ticket: ZendeskTicket) {
        state.withLock { $0.tickets[ticket.id] = ticket }
    }

    public func organization(_ id: Int64) -> ZendeskOrganization? { state.withLock { $0.organizations[id] } }

    public func ticket(_ id: Int64) -> ZendeskTicket? { state.withLock { $0.tickets[id] } }

    /// Every ticket, by id.
    public var tickets: [ZendeskTicket] { state.withLock { $0.tickets.values.sorted { $0.id < $1.id } } }

    // MARK: faults

    /// The next `count` requests (under `pathPrefix`, when given) answer `status` instead. A 429
    /// looks like Zendesk's: plain text, `Retry-After` in seconds.
    /// A 404 answers `RecordNotFound` as if the record had just been deleted.
    public func failNext(_ count: Int = 1, status: Int = 429, retryAfter: String? = "1", pathPrefix: String? = nil) {
        var headers: [(name: String, value: String)] = [("Content-Type", "text/plain; charset=utf-8")]
        var body = Array((status == 429 ? "Number of allowed API requests per minute exceeded" : "Service Unavailable").utf8)
        if status == 404 {
            headers = [("Content-Type", "application/json")]
            body = JSON.object(JSONObject([("error", "RecordNotFound"), ("description", "Not found")])).serialized()
        }
        if let retryAfter { headers.append(("Retry-After", retryAfter)) }
        core.enqueue(TicketingFault(status: status, headers: headers, body: body, pathPrefix: pathPrefix), count: count)
    }
}
