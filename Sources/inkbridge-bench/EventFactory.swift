import Foundation
import InkBridgeCore

/// Canonical contract events of a chosen size: each with its own event id and
/// its own contract id (ordering is per contract, so no event waits behind
/// another), padded with an unknown field (kept by the hub, sent unchanged).
enum EventFactory {
    /// `{"id":"<id>",...`: the id comes first so a receiver finds it without parsing JSON.
    static func bytes(id: String, size: Int) -> [UInt8] {
        let head = #"{"id":"\#(id)","type":"contract.status_changed","occurred_at":"2026-11-21T10:15:00Z","contract":{"id":"ctr-\#(id)","sequence":1,"status":"signed","previous_status":"sent","title":"Gold Support and Maintenance Agreement","customer":{"id":"cust-bench","name":"Bench Manufacturing"},"note":""#
        let tail = #""}}"#
        var out = Array(head.utf8)
        out.reserveCapacity(max(size, out.count + tail.utf8.count))
        let pad = max(0, size - out.count - tail.utf8.count)
        out.append(contentsOf: repeatElement(UInt8(ascii: "x"), count: pad))
        out.append(contentsOf: tail.utf8)
        return out
    }

    /// A validated event, as the API would hand it to the hub.
    static func event(id: String, size: Int) throws(BenchError) -> ContractEvent {
        let raw = bytes(id: id, size: size)
        let json: JSON
        do { json = try JSONParser.parse(raw) } catch { throw BenchError("bench event does not parse: \(error)") }
        switch EventValidator.validate(json, raw: raw) {
        case .success(let e): return e
        case .failure(let f): throw BenchError("bench event is invalid: \(f.issues.map(\.description).joined(separator: "; "))")
        }
    }

    /// The event number in a body that starts with `{"id":"<prefix><number>"`, or nil.
    static func number(in body: [UInt8], prefix: [UInt8]) -> Int? {
        let lead = Array(#"{"id":""#.utf8) + prefix
        guard body.count > lead.count, body.starts(with: lead) else { return nil }
        var n = 0
        var i = lead.count
        while i < body.count, body[i] >= 48, body[i] <= 57 {
            n = n * 10 + Int(body[i] - 48)
            i += 1
        }
        return i > lead.count ? n : nil
    }
}
