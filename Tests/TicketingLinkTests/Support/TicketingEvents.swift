import Foundation
import InkBridgeCore

/// Builds events the way the hub would hand them over: through `EventValidator`, so a test
/// event is one the hub would really accept.
enum TicketingEvents {
    static let goldTargets: JSON = [
        ["severity": "P1", "first_response_minutes": 60, "resolution_minutes": 240],
        ["severity": "P2", "first_response_minutes": 240, "resolution_minutes": 1440],
    ]

    static func event(status: String, sequence: Int = 1, contractID: String = "ctr_42", ticketingRef: JSON? = "361",
                      tier: String? = "gold", targets: JSON = goldTargets, occurredAt: String = "2026-11-21T10:15:00Z",
                      id: String? = nil) -> ContractEvent {
        var customer = JSONObject([("id", "cust_9"), ("name", "Acme Manufacturing")])
        if let ticketingRef { customer["ticketing_ref"] = ticketingRef }
        var sla = JSONObject([("business_hours", "24x7"), ("targets", targets)])
        if let tier { sla["tier"] = .string(tier) }
        let contract = JSONObject([
            ("id", .string(contractID)),
            ("sequence", JSON(sequence)),
            ("status", .string(status)),
            ("title", "Gold Support and Maintenance Agreement"),
            ("kind", "support_maintenance"),
            ("customer", .object(customer)),
            ("effective_date", "2026-12-01"),
            ("expiry_date", "2027-11-30"),
            ("sla", .object(sla)),
        ])
        let body: JSON = .object(JSONObject([
            ("id", .string(id ?? "evt_\(contractID)_\(sequence)")),
            ("type", "contract.status_changed"),
            ("occurred_at", .string(occurredAt)),
            ("contract", .object(contract)),
        ]))
        switch EventValidator.validate(body, raw: body.serialized()) {
        case .success(let e): return e
        case .failure(let f): preconditionFailure("test event is invalid: \(f)")
        }
    }

    static func delivery(_ event: ContractEvent, tenant: String = "acme", connector: String = "acme-tickets", attempt: Int = 1) -> Delivery {
        Delivery(id: "dlv_\(event.id)", tenantID: tenant, connectorID: connector, event: event, attempt: attempt)
    }
}
