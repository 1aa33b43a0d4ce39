import Foundation
import InkBridgeCore

/// What one delivery asks of a ticketing system: grant or revoke which entitlement on which
/// organisation (account). Read from the event before any I/O, so an event that cannot be
/// delivered fails permanently without touching the external system.
struct EntitlementDelivery: Sendable {
    let change: Entitlement.Change
    let entitlement: Entitlement
    /// The organisation (Zendesk, Jira) or account (ServiceNow) reference from the event.
    let ref: String

    /// Nil when the status grants and revokes nothing (validation keeps such statuses out of `on`,
    /// but a delivery must still answer something sensible).
    static func prepare(_ delivery: Delivery, system: String, refPath: String, refSetting: String,
                        contractURL: URLTemplate?) throws(DeliveryStop) -> EntitlementDelivery? {
        let event = delivery.event
        guard let change = Entitlement.Change(status: event.status) else { return nil }
        let ref: String
        switch event[path: refPath] {
        case .string(let s)? where !s.trimmingCharacters(in: .whitespaces).isEmpty: ref = s
        case .number(let n)?: ref = n
        default:
            let customer = event.customerID.map { "customer \($0)" } ?? "the customer"
            throw .invalidEvent("missing_ticketing_ref",
                                "\(customer) has no ticketing reference at \(refPath) (settings.\(refSetting)), so no \(system) organisation can be found")
        }
        switch Entitlement.derive(from: event, change: change, tenantID: delivery.tenantID, contractURL: contractURL) {
        case .success(let entitlement):
            return EntitlementDelivery(change: change, entitlement: entitlement, ref: ref)
        case .failure(let error):
            throw .invalidEvent("invalid_event", "cannot derive the SLA entitlement: \(error)")
        }
    }

    static func nothingToDo(_ event: ContractEvent) -> DeliveryOutcome {
        .success(detail: "status \(event.status) neither grants nor revokes an entitlement; nothing sent")
    }
}
