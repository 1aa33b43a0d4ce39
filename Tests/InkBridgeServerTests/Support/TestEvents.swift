import Foundation

/// Event bodies for the API tests (SPEC section 2).
enum TestEvents {
    static func json(id: String, contract: String = "ctr_1", sequence: Int64 = 1, status: String = "signed",
                     customer: String = "cust_1", extra: String = "") -> String {
        """
        {"id":"\(id)","type":"contract.status_changed","occurred_at":"2026-11-21T10:15:00Z",\
        "contract":{"id":"\(contract)","sequence":\(sequence),"status":"\(status)","customer":{"id":"\(customer)"}\(extra)}}
        """
    }

    /// An executed contract with an SLA, expiring on `expiry`.
    static func executed(id: String, contract: String, sequence: Int64 = 1, customer: String, tier: String = "gold",
                         status: String = "executed", expiry: String = "2999-12-31") -> String {
        json(id: id, contract: contract, sequence: sequence, status: status, customer: customer, extra: """
            ,"effective_date":"2026-01-01","expiry_date":"\(expiry)","sla":{"tier":"\(tier)","business_hours":"24x7",\
            "targets":[{"severity":"P1","first_response_minutes":60,"resolution_minutes":240}]}
            """)
    }

    static func batch(_ events: [String]) -> String { "[" + events.joined(separator: ",") + "]" }
}
