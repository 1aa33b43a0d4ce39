import InkBridgeCore
import MicroHTTP

/// The tenant's connectors: list with health, pause, resume, replay of dead deliveries.
struct ConnectorRoutes {
    let hub: Hub

    func register(_ router: inout RouterBuilder) {
        router.add("GET", "/v1/connectors", access: .tenant, handler: list)
        router.add("POST", "/v1/connectors/{id}/pause", access: .tenant) { c throws(APIError) in try await setPaused(c, true) }
        router.add("POST", "/v1/connectors/{id}/resume", access: .tenant) { c throws(APIError) in try await setPaused(c, false) }
        router.add("POST", "/v1/connectors/{id}/replay-dead", access: .tenant, handler: replayDead)
    }

    @Sendable func list(_ context: RequestContext) async throws(APIError) -> HTTPServerResponse {
        let connectors = hub.config?.config.tenant(context.tenant)?.connectors ?? []
        let views = try await self.views(connectors, tenant: context.tenant)
        return .list(views.map(\.json))
    }

    func views(_ connectors: [ConnectorConfig], tenant: String) async throws(APIError) -> [ConnectorView] {
        let backlog: [ConnectorKey: Int]
        do { backlog = try await hub.store.backlog(tenant: tenant) } catch { throw .store(error) }
        let health = hub.dispatcher.health()
        return connectors.map { c in
            let key = ConnectorKey(tenant: tenant, connector: c.id)
            return ConnectorView(config: c, health: health[key], backlog: backlog[key] ?? 0)
        }
    }

    /// The connector of the caller's tenant; another tenant's answers 404 like a missing one.
    func connector(_ context: RequestContext) throws(APIError) -> ConnectorConfig {
        let id = context.parameter("id")
        guard let c = hub.config?.config.tenant(context.tenant)?.connectors.first(where: { $0.id == id }) else {
            throw .notFound("connector", id)
        }
        return c
    }

    func setPaused(_ context: RequestContext, _ paused: Bool) async throws(APIError) -> HTTPServerResponse {
        let c = try connector(context)
        do { try await hub.setPaused(ConnectorKey(tenant: context.tenant, connector: c.id), paused: paused, actor: context.actor) } catch {
            throw .hub(error)
        }
        return .json(200, try await views([c], tenant: context.tenant)[0].json)
    }

    @Sendable func replayDead(_ context: RequestContext) async throws(APIError) -> HTTPServerResponse {
        let c = try connector(context)
        let n: Int
        do { n = try await hub.replayDead(ConnectorKey(tenant: context.tenant, connector: c.id), actor: context.actor) } catch {
            throw .hub(error)
        }
        return .json(200, .object(JSONObject([("connector", .string(c.id)), ("replayed", JSON(n))])))
    }
}
