import InkBridgeCore
import MicroHTTP

/// `GET /healthz` (the process answers) and `GET /readyz` (it can take work:
/// the store answers and a configuration is loaded). Open to anyone, for probes.
struct HealthRoutes {
    let hub: Hub

    func register(_ router: inout RouterBuilder) {
        router.add("GET", "/healthz", access: .anyone) { _ throws(APIError) in
            .json(200, .object(JSONObject([("status", .string("ok"))])))
        }
        router.add("GET", "/readyz", access: .anyone, handler: ready)
    }

    @Sendable func ready(_ context: RequestContext) async throws(APIError) -> HTTPServerResponse {
        let store = await hub.store.ping()
        let config = hub.config != nil
        let ok = store && config
        return .json(ok ? 200 : 503, .object(JSONObject([
            ("status", .string(ok ? "ready" : "not_ready")),
            ("checks", .object(JSONObject([("store", .bool(store)), ("config", .bool(config))]))),
        ])))
    }
}
