import InkBridgeCore
import InkBridgeSandbox
import XCTest

/// `GET /v1/contracts/{id}` and `GET /v1/entitlements`, through real HTTP.
final class ContractsAPITests: XCTestCase {
    var t: APITestHub!

    override func setUp() async throws { t = try await APITestHub() }
    override func tearDown() async throws { await t.stop() }

    func testContractShowsTheLatestState() async throws {
        try await t.ingest(TestEvents.executed(id: "a1", contract: "ctr_42", customer: "cust_9"))
        try await t.ingest(TestEvents.json(id: "a2", contract: "ctr_42", sequence: 2, status: "expired", customer: "cust_9"))
        // An older status arriving late does not move the registry back.
        try await t.ingest(TestEvents.json(id: "a0", contract: "ctr_42", sequence: 0, status: "sent", customer: "cust_9"))
        let answer = try await t.client.get("/v1/contracts/ctr_42", key: APITestHub.acmeKey)
        XCTAssertEqual(answer.status, 200, answer.text)
        let json = try XCTUnwrap(answer.json)
        XCTAssertEqual(json["id"], "ctr_42")
        XCTAssertEqual(json["sequence"], 2)
        XCTAssertEqual(json["status"], "expired")
        XCTAssertNotNil(json["updated_at"]?.stringValue.flatMap(RFC3339.parse))
        XCTAssertEqual(json[path: "contract.customer.id"], "cust_9")
        let missing = try await t.client.get("/v1/contracts/ctr_nope", key: APITestHub.acmeKey)
        XCTAssertEqual(missing.status, 404)
    }

    func testEntitlementsListOnlyContractsInForce() async throws {
        try await t.ingest(TestEvents.executed(id: "e1", contract: "ctr_a", customer: "cust_9", tier: "gold"))
        try await t.ingest(TestEvents.executed(id: "e2", contract: "ctr_b", customer: "cust_9"))
        try await t.ingest(TestEvents.json(id: "e3", contract: "ctr_b", sequence: 2, status: "terminated", customer: "cust_9"))
        try await t.ingest(TestEvents.executed(id: "e4", contract: "ctr_c", customer: "cust_9", expiry: "2020-01-31"))
        try await t.ingest(TestEvents.executed(id: "e5", contract: "ctr_d", customer: "cust_other"))
        try await t.ingest(TestEvents.executed(id: "e6", contract: "ctr_e", customer: "cust_9", status: "signed"))
        try await t.ingest(TestEvents.executed(id: "e7", contract: "ctr_f", customer: "cust_9", tier: "silver", status: "renewed"))
        let answer = try await t.client.get("/v1/entitlements?customer_id=cust_9", key: APITestHub.acmeKey)
        XCTAssertEqual(answer.status, 200, answer.text)
        let items = try XCTUnwrap(answer.json?["items"]?.arrayValue)
        XCTAssertEqual(items.compactMap { $0["contract_id"]?.stringValue }, ["ctr_a", "ctr_f"])
        XCTAssertEqual(items[0], [
            "contract_id": "ctr_a", "tier": "gold", "business_hours": "24x7",
            "targets": [["severity": "P1", "first_response_minutes": 60, "resolution_minutes": 240]],
            "effective_date": "2026-01-01", "expiry_date": "2999-12-31",
        ])
        XCTAssertEqual(items[1]["tier"], "silver")
        let none = try await t.client.get("/v1/entitlements?customer_id=cust_unknown", key: APITestHub.acmeKey)
        XCTAssertEqual(none.json?["items"], [])
    }

    func testEntitlementsNeedACustomer() async throws {
        for query in ["", "?customer_id=", "?customer=cust_9"] {
            let answer = try await t.client.get("/v1/entitlements\(query)", key: APITestHub.acmeKey)
            XCTAssertEqual(answer.status, 400, query)
            XCTAssertEqual(answer.errorField, "customer_id")
        }
    }
}
