import Foundation
import InkBridgeCore
import MicroHTTP

/// A local Salesforce org on 127.0.0.1 (port chosen by the OS), for tests
/// and `inkbridge demo`: an OAuth token endpoint that issues expiring tokens,
/// and sObject update / upsert / read resources over in-memory records, all in
/// Salesforce's wire format (wire-formats 1). Every request is logged.
///
/// ```swift
/// let sf = try SalesforceEmulator()
/// // settings: "instance_url": sf.baseURL; secrets: sf.credentials.clientID / clientSecret
/// sf.expireAllTokens()                       // next call answers 401 INVALID_SESSION_ID
/// sf.failNext(with: .requestLimitExceeded(retryAfter: "2"))
/// sf.records("Opportunity"); sf.requests.all
/// ```
public final class SalesforceEmulator: Sendable {
    /// The connected app's credentials the token endpoint accepts.
    public struct Credentials: Sendable {
        public var clientID: String
        public var clientSecret: String
        /// Accepted by the refresh-token grant.
        public var refreshToken: String

        public init(clientID: String = "3MVG9sandbox.client.id", clientSecret: String = "sandbox-client-secret-7f3a",
                    refreshToken: String = "5Aep861sandbox.refresh.token") {
            self.clientID = clientID
            self.clientSecret = clientSecret
            self.refreshToken = refreshToken
        }
    }

    public struct Configuration: Sendable {
        public var objects: [SalesforceObjectSchema] = [.opportunity, .account]
        public var credentials = Credentials()
        /// Seconds an issued access token works; nil: until `expireAllTokens()`.
        /// Real tokens carry no expiry in the answer; this is the org's session timeout.
        public var tokenLifetime: TimeInterval?
        /// How long the token endpoint takes to answer (makes concurrent refreshes overlap).
        public var tokenLatency: TimeInterval = 0
        /// How long each REST call takes, drawn at random from this range (spreads
        /// concurrent answers out in time, e.g. 401s arriving after a refresh).
        public var dataLatency: ClosedRange<TimeInterval> = 0...0

        public init() {}
    }

    public let requests = CapturedRequestLog()
    public let credentials: Credentials
    private let state: SalesforceEmulatorState
    private let server: MicroHTTPServer

    public init(_ configuration: Configuration = Configuration()) throws {
        let state = SalesforceEmulatorState(schemas: configuration.objects, credentials: configuration.credentials,
                                            tokenLifetime: configuration.tokenLifetime)
        let router = SalesforceEmulatorRouter(state: state, log: requests, tokenLatency: configuration.tokenLatency,
                                              dataLatency: configuration.dataLatency)
        self.state = state
        self.credentials = configuration.credentials
        self.server = try MicroHTTPServer(host: "127.0.0.1", port: 0) { request in await router.handle(request) }
    }

    deinit { server.stop() }

    /// `http://127.0.0.1:PORT`: the connector's `instance_url`.
    public var baseURL: String { "http://127.0.0.1:\(server.port)" }
    /// The token endpoint (the connector's default `token_url` for `baseURL`).
    public var tokenURL: String { baseURL + SalesforceEmulatorRouter.tokenPath }
    public var port: UInt16 { server.port }

    public func stop() { server.stop() }

    // MARK: tokens

    /// Invalidates every access token issued so far: the next REST call with
    /// any of them answers 401 `INVALID_SESSION_ID`.
    public func expireAllTokens() { state.expireAllTokens() }

    /// Changes the lifetime of tokens issued from now on.
    public func setTokenLifetime(_ seconds: TimeInterval?) { state.setTokenLifetime(seconds) }

    /// Token requests received so far, successful or not.
    public var tokenRequestCount: Int { state.tokenRequestCount }

    /// The most token requests that were being answered at the same moment.
    public var maxConcurrentTokenRequests: Int { state.maxConcurrentTokenRequests }

    // MARK: failures

    /// Answers the next `count` requests to `endpoint` with `fault` instead of processing them.
    public func failNext(_ count: Int = 1, with fault: SalesforceFault, on endpoint: SalesforceEndpoint = .data) {
        precondition(count >= 1, "count must be at least 1")
        state.enqueue(fault, count: count, on: endpoint)
    }

    // MARK: records

    public func record(_ object: String, id: String) -> SalesforceRecord? { state.record(object, id: id) }

    /// All records of a type, in creation order.
    public func records(_ object: String) -> [SalesforceRecord] { state.records(object) }

    /// The records whose `field` has the value `value` (compared as text).
    public func records(_ object: String, where field: String, equals value: String) -> [SalesforceRecord] {
        state.records(object, where: field, equals: value)
    }

    /// Adds a record; `id` nil makes one with the type's key prefix. Answers the id.
    @discardableResult
    public func seed(_ object: String, id: String? = nil, fields: JSONObject) -> String {
        precondition(id.map(SalesforceEmulatorRouter.isWellFormedID) ?? true, "a Salesforce id has 15 or 18 letters and digits")
        return state.create(object, fields: fields, id: id).id
    }

    /// The records `inkbridge demo` and the README examples refer to: the
    /// Opportunity of SPEC section 2's example event (`006Dn00000AbCdEIAV`).
    public func seedDemoRecords() {
        seed("Opportunity", id: "006Dn00000AbCdEIAV",
             fields: JSONObject([("Name", "Acme Manufacturing - Gold Support"), ("StageName", "Negotiation/Review"),
                                 ("Amount", 45000)]))
        seed("Account", id: "001Dn00000XyZaBIAV", fields: JSONObject([("Name", "Acme Manufacturing")]))
    }
}
