import InkBridgeCore
import InkBridgeSandbox
import XCTest

/// `GET /v1/connectors`, pause, resume and replay-dead, through real HTTP.
final class ConnectorsAPITests: XCTestCase {
    func testListShowsConfigHealthAndBacklogButNoSecret() async throws {
        let t = try await APITestHub()
        addTeardownBlock { await t.stop() }
        for i in 0..<2 { try await t.ingest(TestEvents.json(id: "e\(i)", contract: "c\(i)", status: "executed")) }
        let answer = try await t.client.get("/v1/connectors", key: APITestHub.acmeKey)
        XCTAssertEqual(answer.status, 200)
        XCTAssertEqual(answer.json?["next_cursor"], .null)
        let items = try XCTUnwrap(answer.json?["items"]?.arrayValue)
        XCTAssertEqual(items.compactMap { $0["id"]?.stringValue }, ["acme-hook", "acme-signed"])
        let hook = items[0]
        XCTAssertEqual(hook.objectValue?.keys.filter { !["in_flight", "last_error_at"].contains($0) },
                       ["id", "type", "enabled", "paused", "circuit", "backlog", "last_success_at", "last_error", "on", "settings", "secrets"])
        XCTAssertEqual(hook["type"], "webhook")
        XCTAssertEqual(hook["enabled"], true)
        XCTAssertEqual(hook["paused"], false)
        XCTAssertEqual(hook["circuit"], "closed")
        XCTAssertEqual(hook["backlog"], 2)
        XCTAssertEqual(items[1]["backlog"], 0)
        XCTAssertEqual(items[1]["on"], ["signed"])
        XCTAssertEqual(hook["secrets"], ["signing_secret"])
        XCTAssertEqual(hook[path: "settings.url"], .string(APITestHub.closedURL))
        XCTAssertEqual(hook[path: "settings.headers.X-Team"], "ops")
        XCTAssertEqual(hook[path: "settings.headers.Authorization"], "[redacted]")
        // Neither a secret's value, nor where it is kept, nor a credential in a header.
        for leak in [APITestHub.signingSecret, t.directory, "downstream-credential"] {
            XCTAssertFalse(answer.text.contains(leak), leak)
        }
    }

    func testPauseHoldsNewDeliveriesAndResumeReleasesThem() async throws {
        let t = try await APITestHub()
        addTeardownBlock { await t.stop() }
        let paused = try await t.client.post("/v1/connectors/acme-hook/pause", key: APITestHub.acmeKey)
        XCTAssertEqual(paused.status, 200, paused.text)
        XCTAssertEqual(paused.json?["id"], "acme-hook")
        XCTAssertEqual(paused.json?["paused"], true)
        let ingest = try await t.ingest(TestEvents.json(id: "held", status: "executed"))
        XCTAssertEqual(ingest.json?[path: "events.0.deliveries.0.state"], "paused")
        let list = try await t.client.get("/v1/connectors", key: APITestHub.acmeKey)
        XCTAssertEqual(list.json?[path: "items.0.paused"], true)
        XCTAssertEqual(list.json?[path: "items.1.paused"], false)

        let resumed = try await t.client.post("/v1/connectors/acme-hook/resume", key: APITestHub.acmeKey)
        XCTAssertEqual(resumed.status, 200)
        XCTAssertEqual(resumed.json?["paused"], false)
        let after = try await t.ingest(TestEvents.json(id: "free", contract: "c2", status: "executed"))
        XCTAssertEqual(after.json?[path: "events.0.deliveries.0.state"], "pending")
        let actions = try await t.store.auditEntries().filter { $0.actor == "tenant:acme" }.map(\.action)
        XCTAssertEqual(actions, ["pause", "resume"])
    }

    func testReplayDeadRequeuesEveryDeadDeliveryOfTheConnector() async throws {
        let receiver = try WebhookReceiver(secret: APITestHub.signingSecret)
        receiver.setDefaultStatus(422)
        let t = try await APITestHub(webhookURL: receiver.url, runDispatcher: true)
        addTeardownBlock { await t.stop(); receiver.stop() }
        for i in 0..<3 { try await t.ingest(TestEvents.json(id: "d\(i)", contract: "c\(i)", status: "executed")) }
        let allDead = try await eventually {
            try await t.client.get("/v1/deliveries?status=dead&connector=acme-hook", key: APITestHub.acmeKey)
                .json?["items"]?.arrayValue?.count == 3
        }
        XCTAssertTrue(allDead)
        let failing = try await t.client.get("/v1/connectors", key: APITestHub.acmeKey)
        XCTAssertEqual(failing.json?[path: "items.0.last_error"]?.stringValue?.hasPrefix("http_status"), true, failing.text)

        receiver.setDefaultStatus(200)
        let replay = try await t.client.post("/v1/connectors/acme-hook/replay-dead", key: APITestHub.acmeKey)
        XCTAssertEqual(replay.status, 200)
        XCTAssertEqual(replay.json, ["connector": "acme-hook", "replayed": 3])
        let delivered = await receiver.waitUntil(timeout: 10) { r in Set(r.filter { $0.status == 200 }.compactMap(\.contractID)).count == 3 }
        XCTAssertTrue(delivered)
        let healthy = try await eventually {
            try await t.client.get("/v1/connectors", key: APITestHub.acmeKey).json?[path: "items.0.last_success_at"]?.stringValue != nil
        }
        XCTAssertTrue(healthy)
    }

    func testUnknownConnectorIs404() async throws {
        let t = try await APITestHub()
        addTeardownBlock { await t.stop() }
        for action in ["pause", "resume", "replay-dead"] {
            let answer = try await t.client.post("/v1/connectors/nope/\(action)", key: APITestHub.acmeKey)
            XCTAssertEqual(answer.status, 404, action)
            XCTAssertEqual(answer.errorCode, "not_found")
        }
    }
}
