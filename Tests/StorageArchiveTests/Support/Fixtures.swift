import Foundation
import InkBridgeCore
import XCTest

/// Events and connector configs for the storage tests.
enum Fixtures {
    /// An `executed` event; `document` fields are merged into contract.document.
    static func event(id: String = "evt_\(UUID().uuidString.prefix(8))", contract: String = "ctr_42", customer: String? = "cust_9",
                      occurredAt: String = "2026-11-21T10:15:00Z", document: [String: JSON] = [:]) -> ContractEvent {
        var doc = JSONObject()
        for (k, v) in document.sorted(by: { $0.key < $1.key }) { doc[k] = v }
        var contractObject = JSONObject([("id", .string(contract)), ("sequence", 4), ("status", "executed")])
        if let customer { contractObject["customer"] = .object(JSONObject([("id", .string(customer))])) }
        if !doc.isEmpty { contractObject["document"] = .object(doc) }
        let json: JSON = .object(JSONObject([
            ("id", .string(id)), ("type", "contract.status_changed"), ("occurred_at", .string(occurredAt)),
            ("contract", .object(contractObject)),
        ]))
        switch EventValidator.validate(json, raw: json.serialized()) {
        case .success(let e): return e
        case .failure(let f): preconditionFailure("fixture event is invalid: \(f)")
        }
    }

    static func config(type: String, settings: JSON, secrets: [String: SecretRef] = [:], id: String = "archive") -> ConnectorConfig {
        ConnectorConfig(id: id, type: type, tenantID: "acme", on: ["executed"], filter: [], options: ConnectorOptions(),
                        settings: settings.objectValue ?? JSONObject(), secretRefs: secrets, path: "tenants[0].connectors[0]")
    }

    static func delivery(_ event: ContractEvent, id: String = "dlv_\(UUID().uuidString.prefix(8))", tenant: String = "acme") -> Delivery {
        Delivery(id: id, tenantID: tenant, connectorID: "archive", event: event, attempt: 1)
    }
}
