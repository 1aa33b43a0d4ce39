import InkBridgeCore
import InkBridgeSandbox
import XCTest

/// `GET /v1/deliveries`, `GET /v1/deliveries/{id}` and replay, through real HTTP.
final class DeliveriesAPITests: XCTestCase {
    func testListIsNewestFirstFilteredAndPaginated() async throws {
        let t = try await APITestHub()
        addTeardownBlock { await t.stop() }
        var executedIDs: [String] = []
        for i in 0..<5 {
            let answer = try await t.ingest(TestEvents.json(id: "e\(i)", contract: "c\(i)", status: "executed"))
            executedIDs.append(try XCTUnwrap(answer.deliveries()["acme-hook"]))
        }
        let signed = try await t.ingest(TestEvents.json(id: "s0", contract: "c3", sequence: 2, status: "signed")).deliveries()

        var seen: [String] = []
        var cursor: String?
        var pages = 0
        repeat {
            let query = "/v1/deliveries?connector=acme-hook&limit=2" + (cursor.map { "&cursor=\($0)" } ?? "")
            let page = try await t.client.get(query, key: APITestHub.acmeKey)
            XCTAssertEqual(page.status, 200, page.text)
            let items = try XCTUnwrap(page.json?["items"]?.arrayValue)
            XCTAssertLessThanOrEqual(items.count, 2)
            seen += items.compactMap { $0["id"]?.stringValue }
            cursor = page.json?["next_cursor"]?.stringValue
            pages += 1
        } while cursor != nil && pages < 10
        XCTAssertEqual(seen, [signed["acme-hook"]!] + executedIDs.reversed())
        XCTAssertEqual(pages, 3)

        let byContract = try await t.client.get("/v1/deliveries?contract=c3", key: APITestHub.acmeKey)
        XCTAssertEqual(Set(byContract.json?["items"]?.arrayValue?.compactMap { $0["id"]?.stringValue } ?? []),
                       [executedIDs[3], signed["acme-hook"]!, signed["acme-signed"]!])
        let byConnector = try await t.client.get("/v1/deliveries?connector=acme-signed", key: APITestHub.acmeKey)
        XCTAssertEqual(byConnector.json?["items"]?.arrayValue?.compactMap { $0["id"]?.stringValue }, [signed["acme-signed"]!])
        let dead = try await t.client.get("/v1/deliveries?status=dead", key: APITestHub.acmeKey)
        XCTAssertEqual(dead.json?["items"]?.arrayValue?.count, 0)
        XCTAssertEqual(dead.json?["next_cursor"], .null)
        let item = try XCTUnwrap(byConnector.json?[path: "items.0"])
        XCTAssertEqual(item["event_id"], "s0")
        XCTAssertEqual(item["contract_id"], "c3")
        XCTAssertEqual(item["sequence"], 2)
        XCTAssertEqual(item["state"], "pending")
    }

    func testBadQueryParametersAre400WithTheirName() async throws {
        let t = try await APITestHub()
        addTeardownBlock { await t.stop() }
        for (query, field) in [("status=lost", "status"), ("limit=0", "limit"), ("limit=501", "limit"), ("limit=ten", "limit"),
                               ("cursor=not-a-cursor", "cursor")] {
            let answer = try await t.client.get("/v1/deliveries?\(query)", key: APITestHub.acmeKey)
            XCTAssertEqual(answer.status, 400, query)
            XCTAssertEqual(answer.errorField, field, query)
        }
    }

    func testDeadDeliveryShowsItsAttemptsAndReplaysToTheReceiver() async throws {
        let receiver = try WebhookReceiver(secret: APITestHub.signingSecret)
        receiver.setDefaultStatus(400)
        let t = try await APITestHub(webhookURL: receiver.url, runDispatcher: true)
        addTeardownBlock { await t.stop(); receiver.stop() }
        let ingested = try await t.ingest(TestEvents.json(id: "r1", status: "executed"))
        let id = try XCTUnwrap(ingested.deliveries()["acme-hook"])

        // A 400 is permanent: dead after one attempt.
        let isDead = try await eventually {
            try await t.client.get("/v1/deliveries/\(id)", key: APITestHub.acmeKey).json?["state"] == "dead"
        }
        XCTAssertTrue(isDead)
        let detail = try await t.client.get("/v1/deliveries/\(id)", key: APITestHub.acmeKey)
        XCTAssertEqual(detail.status, 200)
        let json = try XCTUnwrap(detail.json)
        XCTAssertEqual(json["id"], .string(id))
        XCTAssertEqual(json["event_id"], "r1")
        XCTAssertEqual(json["connector"], "acme-hook")
        XCTAssertEqual(json["next_attempt_at"], .null)
        let attempts = try XCTUnwrap(json["attempts"]?.arrayValue)
        XCTAssertEqual(attempts.count, 1)
        XCTAssertEqual(attempts[0]["number"], 1)
        XCTAssertEqual(attempts[0]["http_status"], 400)
        XCTAssertEqual(attempts[0][path: "error.code"], "http_status")
        XCTAssertNotNil(attempts[0]["started_at"]?.stringValue.flatMap(RFC3339.parse))
        XCTAssertNotNil(attempts[0]["duration_ms"]?.doubleValue)

        receiver.setDefaultStatus(204)
        let replay = try await t.client.post("/v1/deliveries/\(id)/replay", key: APITestHub.acmeKey)
        XCTAssertEqual(replay.status, 202, replay.text)
        XCTAssertEqual(replay.json?["id"], .string(id))
        let arrived = await receiver.waitUntil(timeout: 10) { $0.contains { $0.status == 204 } }
        XCTAssertTrue(arrived)
        // The same delivery: the same webhook-id on both requests.
        XCTAssertEqual(receiver.requests.map(\.webhookID), [id, id])
        let succeeded = try await eventually {
            try await t.client.get("/v1/deliveries/\(id)", key: APITestHub.acmeKey).json?["state"] == "succeeded"
        }
        XCTAssertTrue(succeeded)
        let audit = try await t.store.auditEntries()
        XCTAssertTrue(audit.contains { $0.action == "replay" && $0.detail == id && $0.actor == "tenant:acme" })
    }

    func testReplayOfAPendingDeliveryIs409AndOfAMissingOne404() async throws {
        let t = try await APITestHub()
        addTeardownBlock { await t.stop() }
        let ingested = try await t.ingest(TestEvents.json(id: "p1", status: "executed"))
        let id = try XCTUnwrap(ingested.deliveries()["acme-hook"])
        let pending = try await t.client.post("/v1/deliveries/\(id)/replay", key: APITestHub.acmeKey)
        XCTAssertEqual(pending.status, 409)
        XCTAssertEqual(pending.errorCode, "not_replayable")
        let missing = try await t.client.post("/v1/deliveries/dlv_missing/replay", key: APITestHub.acmeKey)
        XCTAssertEqual(missing.status, 404)
        let get = try await t.client.get("/v1/deliveries/dlv_missing", key: APITestHub.acmeKey)
        XCTAssertEqual(get.status, 404)
    }
}
