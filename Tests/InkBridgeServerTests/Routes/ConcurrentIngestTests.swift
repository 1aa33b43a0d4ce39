import InkBridgeCore
import InkBridgeSandbox
import XCTest

/// Many clients at once: every acknowledgement is backed by a stored event
/// and exactly the deliveries the answer named.
final class ConcurrentIngestTests: XCTestCase {
    func test64ClientsPosting20000EventsLoseNothing() async throws {
        let t = try await APITestHub()
        addTeardownBlock { await t.stop() }
        let clients = 64
        let total = 20_000
        // Client c posts events c, c+64, c+128, ...; each its own contract, so no lane orders them.
        let acknowledged = try await withThrowingTaskGroup(of: [(id: String, deliveries: [String: String])].self) { group in
            for c in 0..<clients {
                group.addTask {
                    let client = APIClient(port: t.server.port)
                    var acks: [(id: String, deliveries: [String: String])] = []
                    for n in stride(from: c, to: total, by: clients) {
                        let id = "evt_\(n)"
                        let status = n % 2 == 0 ? "signed" : "executed"
                        let answer = try await client.post("/v1/events", key: APITestHub.acmeKey,
                                                           json: TestEvents.json(id: id, contract: "ctr_\(n)", status: status))
                        XCTAssertEqual(answer.status, 202, "\(id): \(answer.text)")
                        if answer.status == 202 { acks.append((id, answer.deliveries())) }
                    }
                    return acks
                }
            }
            var all: [(id: String, deliveries: [String: String])] = []
            for try await part in group { all += part }
            return all
        }
        XCTAssertEqual(acknowledged.count, total)
        let stored = try await t.store.eventCount()
        XCTAssertEqual(stored, total)
        var missing = 0
        for ack in acknowledged {
            // `signed` goes to both of acme's connectors, `executed` to one.
            let expected: Set<String> = Int(ack.id.dropFirst(4))! % 2 == 0 ? ["acme-hook", "acme-signed"] : ["acme-hook"]
            XCTAssertEqual(Set(ack.deliveries.keys), expected, ack.id)
            guard let event = try await t.store.event(tenant: "acme", id: ack.id) else { missing += 1; continue }
            XCTAssertEqual(Dictionary(uniqueKeysWithValues: event.deliveries.map { ($0.connector, $0.id) }), ack.deliveries, ack.id)
        }
        XCTAssertEqual(missing, 0)
        let deliveries = try await t.store.backlog(tenant: "acme")
        XCTAssertEqual(deliveries.values.reduce(0, +), total + total / 2)
    }
}
