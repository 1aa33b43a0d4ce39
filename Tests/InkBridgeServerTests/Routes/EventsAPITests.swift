import InkBridgeCore
import InkBridgeSandbox
import XCTest

/// `POST /v1/events` and `GET /v1/events/{id}` through real HTTP.
final class EventsAPITests: XCTestCase {
    var t: APITestHub!

    override func setUp() async throws { t = try await APITestHub() }
    override func tearDown() async throws { await t.stop() }

    func testSingleEventIsAcknowledgedWithItsDeliveriesAndStored() async throws {
        let answer = try await t.ingest(TestEvents.json(id: "evt_1", status: "signed"))
        XCTAssertEqual(answer.status, 202, answer.text)
        let events = try XCTUnwrap(answer.json?["events"]?.arrayValue)
        XCTAssertEqual(events.count, 1)
        XCTAssertEqual(events[0]["id"], "evt_1")
        XCTAssertEqual(events[0]["duplicate"], false)
        // `signed` routes to both of acme's connectors, each with a pending delivery.
        let deliveries = answer.deliveries()
        XCTAssertEqual(Set(deliveries.keys), ["acme-hook", "acme-signed"])
        XCTAssertTrue(deliveries.values.allSatisfy { $0.hasPrefix("dlv_") })
        XCTAssertEqual(events[0]["deliveries"]?.arrayValue?.compactMap { $0["state"]?.stringValue }, ["pending", "pending"])
        let stored = try await t.store.event(tenant: "acme", id: "evt_1")
        XCTAssertEqual(Set(stored?.deliveries.map(\.id) ?? []), Set(deliveries.values))
    }

    func testGetEventShowsTheEventAsIngestedAndItsDeliveries() async throws {
        let body = TestEvents.json(id: "evt_show", status: "executed", extra: ",\"custom_field\":{\"kept\":[1,2]}")
        let ids = try await t.ingest(body).deliveries()
        let answer = try await t.client.get("/v1/events/evt_show", key: APITestHub.acmeKey)
        XCTAssertEqual(answer.status, 200)
        let json = try XCTUnwrap(answer.json)
        XCTAssertEqual(json["id"], "evt_show")
        XCTAssertNotNil(json["received_at"]?.stringValue.flatMap(RFC3339.parse))
        // Unknown fields are kept, byte for byte.
        XCTAssertEqual(json["event"], try JSONParser.parse(body))
        let deliveries = try XCTUnwrap(json["deliveries"]?.arrayValue)
        XCTAssertEqual(deliveries.count, 1)
        XCTAssertEqual(deliveries[0], ["id": .string(ids["acme-hook"]!), "connector": "acme-hook", "state": "pending", "attempts": 0])
    }

    func testDuplicateAnswers200WithTheOriginalDeliveries() async throws {
        let first = try await t.ingest(TestEvents.json(id: "evt_dup"))
        XCTAssertEqual(first.status, 202)
        // Same id, different content: still the original's answer, nothing routed again.
        let again = try await t.ingest(TestEvents.json(id: "evt_dup", sequence: 9, status: "executed"))
        XCTAssertEqual(again.status, 200, again.text)
        XCTAssertEqual(again.json?[path: "events.0.duplicate"], true)
        XCTAssertEqual(again.deliveries(), first.deliveries())
        let page = try await t.store.deliveries(DeliveryQuery(tenant: "acme"))
        XCTAssertEqual(page.items.count, 2)
    }

    func testBatchAnswersInRequestOrderAndIs202WhenAnyEventIsNew() async throws {
        _ = try await t.ingest(TestEvents.json(id: "b_old"))
        let batch = TestEvents.batch([TestEvents.json(id: "b_1", contract: "c1"), TestEvents.json(id: "b_old"),
                                      TestEvents.json(id: "b_2", contract: "c2", status: "executed")])
        let answer = try await t.ingest(batch)
        XCTAssertEqual(answer.status, 202)
        let events = try XCTUnwrap(answer.json?["events"]?.arrayValue)
        XCTAssertEqual(events.map { $0["id"] }, ["b_1", "b_old", "b_2"])
        XCTAssertEqual(events.map { $0["duplicate"] }, [false, true, false])
        XCTAssertEqual(Set(answer.deliveries(event: 2).keys), ["acme-hook"])
        let allDuplicates = try await t.ingest(batch)
        XCTAssertEqual(allDuplicates.status, 200)
    }

    func testInvalidBatchNamesTheFieldWithItsIndexAndStoresNothing() async throws {
        let bad = TestEvents.json(id: "bad_3").replacingOccurrences(of: "\"sequence\":1", with: "\"sequence\":\"four\"")
        let batch = TestEvents.batch([TestEvents.json(id: "ok_0"), TestEvents.json(id: "ok_1"), TestEvents.json(id: "ok_2"), bad])
        let answer = try await t.ingest(batch)
        XCTAssertEqual(answer.status, 400)
        XCTAssertEqual(answer.errorCode, "invalid_event")
        XCTAssertEqual(answer.errorField, "[3].contract.sequence")
        XCTAssertNotNil(answer.json?[path: "error.message"]?.stringValue)
        for id in ["ok_0", "ok_1", "ok_2", "bad_3"] {
            let get = try await t.client.get("/v1/events/\(id)", key: APITestHub.acmeKey)
            XCTAssertEqual(get.status, 404, id)
        }
        let count = try await t.store.eventCount()
        XCTAssertEqual(count, 0)
    }

    func testEveryProblemIsListedAndTheFirstNamed() async throws {
        let answer = try await t.ingest(#"{"id":"x","type":"contract.status_changed","occurred_at":"yesterday","contract":{"id":"c","sequence":1}}"#)
        XCTAssertEqual(answer.status, 400)
        XCTAssertEqual(answer.errorField, "occurred_at")
        let fields = answer.json?[path: "error.issues"]?.arrayValue?.compactMap { $0["field"]?.stringValue }
        XCTAssertEqual(fields, ["occurred_at", "contract.status"])
    }

    func testEventIdsWithReservedCharactersRoundTripThroughThePath() async throws {
        _ = try await t.ingest(TestEvents.json(id: "evt/with space?and#hash"))
        let answer = try await t.client.get("/v1/events/evt%2Fwith%20space%3Fand%23hash", key: APITestHub.acmeKey)
        XCTAssertEqual(answer.status, 200, answer.text)
        XCTAssertEqual(answer.json?["id"], "evt/with space?and#hash")
    }

    func testMissingEventIs404() async throws {
        let answer = try await t.client.get("/v1/events/nope", key: APITestHub.acmeKey)
        XCTAssertEqual(answer.status, 404)
        XCTAssertEqual(answer.errorCode, "not_found")
    }
}
