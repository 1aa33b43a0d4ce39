import InkBridgeCore
import MicroHTTP

/// The tenant's deliveries: list, one with its attempts, replay (SPEC sections 5 and 8).
struct DeliveryRoutes {
    let hub: Hub

    func register(_ router: inout RouterBuilder) {
        router.add("GET", "/v1/deliveries", access: .tenant, handler: list)
        router.add("GET", "/v1/deliveries/{id}", access: .tenant, handler: show)
        router.add("POST", "/v1/deliveries/{id}/replay", access: .tenant, handler: replay)
    }

    static let defaultLimit = 50
    static let maxLimit = 500

    /// Newest first; `cursor` is the `next_cursor` of the previous page.
    @Sendable func list(_ context: RequestContext) async throws(APIError) -> HTTPServerResponse {
        let query = try Self.query(context.request, tenant: context.tenant)
        let page: Page<DeliverySummary>
        do { page = try await hub.store.deliveries(query) } catch {
            // The store's only not-found on a list read is a cursor it cannot read.
            if error.kind == .notFound { throw .badRequest("invalid_query", "cursor is not a next_cursor of this list", field: "cursor") }
            throw .store(error)
        }
        return .list(page.items.map(\.json), nextCursor: page.nextCursor)
    }

    static func query(_ request: HTTPServerRequest, tenant: String) throws(APIError) -> DeliveryQuery {
        var query = DeliveryQuery(tenant: tenant, limit: defaultLimit)
        if let s = request.queryValue("status"), !s.isEmpty {
            guard let state = DeliveryState(rawValue: s) else {
                throw .badRequest("invalid_query", "status must be one of \(DeliveryState.allCases.map(\.rawValue).joined(separator: ", "))",
                                  field: "status")
            }
            query.state = state
        }
        if let c = request.queryValue("connector"), !c.isEmpty { query.connector = c }
        if let c = request.queryValue("contract"), !c.isEmpty { query.contract = c }
        if let l = request.queryValue("limit"), !l.isEmpty {
            guard let n = Int(l), (1...maxLimit).contains(n) else {
                throw .badRequest("invalid_query", "limit must be an integer from 1 to \(maxLimit)", field: "limit")
            }
            query.limit = n
        }
        if let c = request.queryValue("cursor"), !c.isEmpty { query.cursor = c }
        return query
    }

    @Sendable func show(_ context: RequestContext) async throws(APIError) -> HTTPServerResponse {
        .json(200, try await detail(context.parameter("id"), tenant: context.tenant).json)
    }

    /// Re-queues a dead or succeeded delivery; answers it as it now stands.
    @Sendable func replay(_ context: RequestContext) async throws(APIError) -> HTTPServerResponse {
        let id = context.parameter("id")
        let result: ReplayResult
        do { result = try await hub.replay(tenant: context.tenant, deliveryID: id, actor: context.actor) } catch { throw .hub(error) }
        switch result {
        case .replayed:
            return .json(202, try await detail(id, tenant: context.tenant).json)
        case .notFound:
            throw .notFound("delivery", id)
        case .notReplayable(let state):
            throw APIError(409, "not_replayable", "the delivery is \(state.rawValue); only dead or succeeded deliveries can be replayed")
        case .stale:
            throw APIError(409, "stale", "a newer status of this contract was already delivered; replaying this one would go backwards")
        }
    }

    func detail(_ id: String, tenant: String) async throws(APIError) -> DeliveryDetail {
        let detail: DeliveryDetail?
        do { detail = try await hub.store.delivery(tenant: tenant, id: id) } catch { throw .store(error) }
        guard let detail else { throw .notFound("delivery", id) }
        return detail
    }
}
