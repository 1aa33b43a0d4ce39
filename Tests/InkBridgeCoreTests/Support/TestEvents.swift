import Foundation
import InkBridgeCore

/// Builders of valid events and temporary stores for the core tests.
enum TestEvents {
    static func event(id: String, contract: String = "ctr_1", sequence: Int64, status: String = "signed",
                      customer: String = "cust_1", extra: String = "") -> ContractEvent {
        let text = """
            {"id":"\(id)","type":"contract.status_changed","occurred_at":"2026-11-21T10:15:00Z",\
            "contract":{"id":"\(contract)","sequence":\(sequence),"status":"\(status)","customer":{"id":"\(customer)"}\(extra)}}
            """
        switch EventValidator.parseBody(Array(text.utf8)) {
        case .success(let e): return e[0]
        case .failure(let f): preconditionFailure("test event invalid: \(f)")
        }
    }

    static func temporaryDirectory() -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("inkbridge-test-\(UUID().uuidString)").path
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }
}
