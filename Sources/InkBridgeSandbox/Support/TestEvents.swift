import InkBridgeCore

/// Minimal `contract.status_changed` events (SPEC section 2), for tests of the core, the
/// store and the API. Connector tests build richer events of their own.
public enum TestEvents {
    /// One event as the JSON text a client posts; `extra` is spliced into `contract` as is
    /// (`,"kind":"nda"`).
    public static func json(id: String, contract: String = "ctr_1", sequence: Int64 = 1, status: String = "signed",
                            customer: String = "cust_1", extra: String = "") -> String {
        """
        {"id":"\(id)","type":"contract.status_changed","occurred_at":"2026-11-21T10:15:00Z",\
        "contract":{"id":"\(contract)","sequence":\(sequence),"status":"\(status)","customer":{"id":"\(customer)"}\(extra)}}
        """
    }

    /// The same event, validated as the hub validates a posted one.
    public static func event(id: String, contract: String = "ctr_1", sequence: Int64 = 1, status: String = "signed",
                             customer: String = "cust_1", extra: String = "") -> ContractEvent {
        let text = json(id: id, contract: contract, sequence: sequence, status: status, customer: customer, extra: extra)
        switch EventValidator.parseBody(Array(text.utf8)) {
        case .success(let e): return e[0]
        case .failure(let f): preconditionFailure("test event invalid: \(f)")
        }
    }

    /// A JSON array of events, for batch ingest.
    public static func batch(_ events: [String]) -> String { "[" + events.joined(separator: ",") + "]" }
}
