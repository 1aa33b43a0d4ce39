import Foundation
import InkBridgeSandbox

/// Event bodies the API tests need beyond the shared minimal ones (SPEC section 2).
extension TestEvents {
    /// An executed contract with an SLA, expiring on `expiry`.
    static func executed(id: String, contract: String, sequence: Int64 = 1, customer: String, tier: String = "gold",
                         status: String = "executed", expiry: String = "2999-12-31") -> String {
        json(id: id, contract: contract, sequence: sequence, status: status, customer: customer, extra: """
            ,"effective_date":"2026-01-01","expiry_date":"\(expiry)","sla":{"tier":"\(tier)","business_hours":"24x7",\
            "targets":[{"severity":"P1","first_response_minutes":60,"resolution_minutes":240}]}
            """)
    }
}
