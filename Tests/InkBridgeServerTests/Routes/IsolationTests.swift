import InkBridgeCore
import InkBridgeSandbox
import XCTest

/// A tenant key never sees or touches another tenant's objects: another
/// tenant's id answers exactly like a missing one, and lists leave them out.
final class IsolationTests: XCTestCase {
    var t: APITestHub!
    var globex: (event: String, delivery: String, contract: String, connector: String) = ("", "", "", "")

    override func setUp() async throws {
        t = try await APITestHub()
        try await t.ingest(TestEvents.executed(id: "evt_acme", contract: "ctr_acme", customer: "cust_shared"))
        let answer = try await t.ingest(TestEvents.executed(id: "evt_globex", contract: "ctr_globex", customer: "cust_shared"),
                                        key: APITestHub.globexKey)
        XCTAssertEqual(answer.status, 202)
        globex = ("evt_globex", try XCTUnwrap(answer.deliveries()["globex-hook"]), "ctr_globex", "globex-hook")
    }

    override func tearDown() async throws { await t.stop() }

    /// The answer for `path`, with the other tenant's id replaced by a neutral marker.
    func masked(_ method: String, _ path: String, id: String) async throws -> (Int, String) {
        let answer = try await t.client.call(method, path, key: APITestHub.acmeKey)
        return (answer.status, answer.text.replacingOccurrences(of: id, with: "ID"))
    }

    func testAnotherTenantsIdsAnswerExactlyLikeMissingOnes() async throws {
        let probes: [(String, String, String)] = [
            ("GET", "/v1/events/%@", globex.event),
            ("GET", "/v1/deliveries/%@", globex.delivery),
            ("POST", "/v1/deliveries/%@/replay", globex.delivery),
            ("POST", "/v1/connectors/%@/pause", globex.connector),
            ("POST", "/v1/connectors/%@/resume", globex.connector),
            ("POST", "/v1/connectors/%@/replay-dead", globex.connector),
            ("GET", "/v1/contracts/%@", globex.contract),
        ]
        for (method, template, id) in probes {
            let theirs = try await masked(method, template.replacingOccurrences(of: "%@", with: id), id: id)
            let missing = "missing_\(id)"
            let absent = try await masked(method, template.replacingOccurrences(of: "%@", with: missing), id: missing)
            XCTAssertEqual(theirs.0, 404, "\(method) \(template)")
            XCTAssertEqual(theirs.0, absent.0, "\(method) \(template)")
            XCTAssertEqual(theirs.1, absent.1, "\(method) \(template)")
        }
        // Nothing of globex changed: its connector is not paused, no audit entry was written.
        let paused = try await t.store.pausedConnectors()
        XCTAssertTrue(paused.isEmpty)
        let audit = try await t.store.auditEntries()
        XCTAssertTrue(audit.isEmpty)
    }

    func testListsLeaveOtherTenantsOut() async throws {
        let all = try await t.client.get("/v1/deliveries?limit=500", key: APITestHub.acmeKey)
        let ids = all.json?["items"]?.arrayValue?.compactMap { $0["id"]?.stringValue } ?? []
        XCTAssertEqual(ids.count, 1)
        XCTAssertFalse(ids.contains(globex.delivery))
        for query in ["connector=globex-hook", "contract=ctr_globex"] {
            let filtered = try await t.client.get("/v1/deliveries?\(query)", key: APITestHub.acmeKey)
            XCTAssertEqual(filtered.json?["items"], [], query)
        }
        let connectors = try await t.client.get("/v1/connectors", key: APITestHub.acmeKey)
        XCTAssertEqual(connectors.json?["items"]?.arrayValue?.compactMap { $0["id"]?.stringValue }, ["acme-hook", "acme-signed"])
        let entitlements = try await t.client.get("/v1/entitlements?customer_id=cust_shared", key: APITestHub.acmeKey)
        XCTAssertEqual(entitlements.json?["items"]?.arrayValue?.compactMap { $0["contract_id"]?.stringValue }, ["ctr_acme"])
        // And the other way round.
        let theirs = try await t.client.get("/v1/entitlements?customer_id=cust_shared", key: APITestHub.globexKey)
        XCTAssertEqual(theirs.json?["items"]?.arrayValue?.compactMap { $0["contract_id"]?.stringValue }, ["ctr_globex"])
    }

    func testTheSameEventIdInTwoTenantsIsTwoEvents() async throws {
        let a = try await t.ingest(TestEvents.json(id: "evt_same", status: "executed"))
        let b = try await t.ingest(TestEvents.json(id: "evt_same", status: "executed"), key: APITestHub.globexKey)
        XCTAssertEqual(a.status, 202)
        XCTAssertEqual(b.status, 202)
        XCTAssertEqual(b.json?[path: "events.0.duplicate"], false)
        XCTAssertEqual(Set(b.deliveries().keys), ["globex-hook"])
        let seenByAcme = try await t.client.get("/v1/events/evt_same", key: APITestHub.acmeKey)
        XCTAssertEqual(seenByAcme.json?[path: "deliveries.0.connector"], "acme-hook")
    }
}
