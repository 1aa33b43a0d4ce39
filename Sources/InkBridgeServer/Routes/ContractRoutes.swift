import InkBridgeCore
import MicroHTTP

/// The contract registry (SPEC section 6): one contract's latest state, and the
/// SLA entitlements in force for a customer.
struct ContractRoutes {
    let hub: Hub

    func register(_ router: inout RouterBuilder) {
        router.add("GET", "/v1/contracts/{id}", access: .tenant, handler: show)
        router.add("GET", "/v1/entitlements", access: .tenant, handler: entitlements)
    }

    @Sendable func show(_ context: RequestContext) async throws(APIError) -> HTTPServerResponse {
        let id = context.parameter("id")
        let record: ContractRecord?
        do { record = try await hub.store.contract(tenant: context.tenant, id: id) } catch { throw .store(error) }
        guard let record else { throw .notFound("contract", id) }
        return .json(200, record.json)
    }

    @Sendable func entitlements(_ context: RequestContext) async throws(APIError) -> HTTPServerResponse {
        guard let customer = context.request.queryValue("customer_id"), !customer.isEmpty else {
            throw .badRequest("invalid_query", "customer_id is required", field: "customer_id")
        }
        let records: [ContractRecord]
        do { records = try await hub.store.contracts(tenant: context.tenant, customerID: customer) } catch { throw .store(error) }
        return .list(Entitlement.inForce(records, now: hub.clock.now()).map(\.json))
    }
}
