import InkBridgeCore
import MicroHTTP

/// The HTTP API of `inkbridge serve` (SPEC section 8): every route, the
/// authentication and metrics middleware, frozen into one responder at start.
public struct APIServer: Sendable {
    public let responder: APIResponder

    /// - Parameters:
    ///   - operatorToken: `INKBRIDGE_OPERATOR_TOKEN`; nil or empty leaves operator endpoints closed (401).
    ///   - reload: re-reads the configuration file for `POST /v1/admin/reload`.
    public init(hub: Hub, operatorToken: String?, reload: ConfigReload?) {
        var router = RouterBuilder()
        router.use(RequestMetricsMiddleware(metrics: hub.metrics))
        router.use(AuthMiddleware(tenantForKey: { hub.authenticate(apiKey: $0) }, operatorCredential: OperatorCredential(token: operatorToken)))
        HealthRoutes(hub: hub).register(&router)
        EventRoutes(hub: hub).register(&router)
        DeliveryRoutes(hub: hub).register(&router)
        ConnectorRoutes(hub: hub).register(&router)
        ContractRoutes(hub: hub).register(&router)
        AdminRoutes(hub: hub, reload: reload).register(&router)
        MetricsRoutes(hub: hub).register(&router)
        responder = router.freeze()
    }

    /// Limits for the API: the per-batch cap of SPEC section 7 while reading; the per-event cap is
    /// checked after. One libmicrohttpd thread: it only reads, parses and answers (handlers wait
    /// for the store suspended, and a large batch is parsed on Swift's pool), and a second one
    /// only added thread switches on two cores: the ingest benchmark's rate rose about 3% over nine
    /// alternating runs, higher in six of them (13,190 -> 13,569 events/s on average; bench/README.md).
    public static var defaultLimits: HTTPServerLimits {
        var limits = HTTPServerLimits()
        limits.maxBodyBytes = IngestRequest.maxBatchBytes
        limits.threads = 1
        return limits
    }

    /// Starts listening; the caller stops the returned server.
    public func listen(host: String, port: UInt16, limits: HTTPServerLimits = APIServer.defaultLimits) throws -> MicroHTTPServer {
        let responder = self.responder
        return try MicroHTTPServer(host: host, port: port, limits: limits) { request in await responder.respond(request) }
    }
}
