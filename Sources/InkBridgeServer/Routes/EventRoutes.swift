import InkBridgeCore
import MicroHTTP

/// `POST /v1/events` and `GET /v1/events/{id}` (SPEC sections 2, 5 and 8).
struct EventRoutes {
    let hub: Hub

    func register(_ router: inout RouterBuilder) {
        router.add("POST", "/v1/events", access: .tenant, handler: ingest)
        router.add("GET", "/v1/events/{id}", access: .tenant, handler: show)
    }

    /// 202 once every new event and its deliveries are durably committed; 200 when all were duplicates.
    @Sendable func ingest(_ context: RequestContext) async throws(APIError) -> HTTPServerResponse {
        try IngestRequest.checkContentType(context.request)
        let events = try IngestRequest.events(from: context.request.body)
        let outcomes: [IngestOutcome]
        do { outcomes = try await hub.ingest(tenant: context.tenant, events: events) } catch { throw .hub(error) }
        let status = outcomes.allSatisfy(\.duplicate) ? 200 : 202
        return .json(status, .object(JSONObject([("events", .array(outcomes.map(\.json)))])))
    }

    @Sendable func show(_ context: RequestContext) async throws(APIError) -> HTTPServerResponse {
        let id = context.parameter("id")
        let event: StoredEvent?
        do { event = try await hub.store.event(tenant: context.tenant, id: id) } catch { throw .store(error) }
        guard let event else { throw .notFound("event", id) }
        return .json(200, event.json)
    }
}
