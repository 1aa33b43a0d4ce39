import Foundation
import InkBridgeCore
import MicroHTTP

/// A local HubSpot portal on 127.0.0.1 (port chosen by the OS), for tests and
/// `inkbridge demo`: CRM v3 objects (PATCH by id, batch upsert, GET) over
/// in-memory objects, private-app bearer tokens, a rolling rate-limit window
/// with HubSpot's headers and 429 body, in HubSpot's wire format (wire-formats 2).
///
/// ```swift
/// let hs = try HubSpotEmulator()
/// // settings: "base_url": hs.baseURL; secrets: access_token = hs.accessToken
/// hs.failNext(with: .tooManyRequests(retryAfter: "2"))
/// hs.records("deals"); hs.requests.all
/// ```
public final class HubSpotEmulator: Sendable {
    public struct Configuration: Sendable {
        public var objects: [HubSpotObjectSchema] = [.deals, .companies]
        /// Private-app tokens the portal accepts; the first is `accessToken`.
        public var accessTokens: [String] = ["pat-na1-5f2e0c4e-sandbox-0000-000000000001"]
        /// Requests per rolling window (HubSpot's lowest private-app tier: 100 per 10 s).
        public var windowMax = 100
        public var window: TimeInterval = 10
        public var dailyLimit = 250_000

        public init() {}
    }

    public let requests = CapturedRequestLog()
    /// A token the portal accepts.
    public let accessToken: String
    private let state: HubSpotEmulatorState
    private let server: MicroHTTPServer

    public init(_ configuration: Configuration = Configuration()) throws {
        precondition(!configuration.accessTokens.isEmpty, "the portal needs at least one access token")
        let state = HubSpotEmulatorState(schemas: configuration.objects, accessTokens: Set(configuration.accessTokens),
                                         windowMax: configuration.windowMax, window: configuration.window,
                                         dailyLimit: configuration.dailyLimit)
        let router = HubSpotEmulatorRouter(state: state, log: requests)
        self.state = state
        self.accessToken = configuration.accessTokens[0]
        self.server = try MicroHTTPServer(host: "127.0.0.1", port: 0) { request in await router.handle(request) }
    }

    deinit { server.stop() }

    /// `http://127.0.0.1:PORT`: the connector's `base_url`.
    public var baseURL: String { "http://127.0.0.1:\(server.port)" }
    public var port: UInt16 { server.port }

    public func stop() { server.stop() }

    /// Answers the next `count` requests with `fault` instead of processing them.
    public func failNext(_ count: Int = 1, with fault: HubSpotFault) {
        precondition(count >= 1, "count must be at least 1")
        state.enqueue(fault, count: count)
    }

    public func record(_ objectType: String, id: String) -> HubSpotRecord? { state.record(objectType, id: id) }

    /// All objects of a type, in creation order.
    public func records(_ objectType: String) -> [HubSpotRecord] { state.records(objectType) }

    /// The objects whose `property` is `value`.
    public func records(_ objectType: String, where property: String, equals value: String) -> [HubSpotRecord] {
        state.records(objectType).filter { $0[property] == value }
    }

    /// Adds an object; `id` nil makes a new numeric id. Answers the id.
    @discardableResult
    public func seed(_ objectType: String, id: String? = nil, properties: [(String, String)]) -> String {
        state.create(objectType, properties: JSONObject(properties.map { ($0.0, JSON.string($0.1)) }), id: id).id
    }

    /// The deal and company `inkbridge demo` and the README examples refer to.
    public func seedDemoRecords() {
        seed("deals", id: "18250467321", properties: [("dealname", "Acme Manufacturing - Gold Support"), ("dealstage", "contractsent"),
                                                       ("amount", "45000")])
        seed("companies", id: "9876543210", properties: [("name", "Acme Manufacturing"), ("customer_id", "cust_9")])
    }
}
