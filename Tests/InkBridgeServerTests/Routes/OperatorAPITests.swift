import Foundation
import InkBridgeCore
import InkBridgeSandbox
import InkBridgeServer
import MicroHTTP
import XCTest

/// Operator endpoints (`/metrics`, `/v1/admin/reload`) and the open probes.
final class OperatorAPITests: XCTestCase {
    func testOperatorEndpointsNeedTheOperatorToken() async throws {
        let t = try await APITestHub()
        addTeardownBlock { await t.stop() }
        for (method, path) in [("GET", "/metrics"), ("POST", "/v1/admin/reload")] {
            let none = try await t.client.call(method, path)
            XCTAssertEqual(none.status, 401, path)
            let wrong = try await t.client.call(method, path, key: "guess")
            XCTAssertEqual(wrong.status, 401, path)
            let tenant = try await t.client.call(method, path, key: APITestHub.acmeKey)
            XCTAssertEqual(tenant.status, 403, path)
            XCTAssertEqual(tenant.errorCode, "forbidden")
            let op = try await t.client.call(method, path, key: APITestHub.operatorToken)
            XCTAssertEqual(op.status, 200, path)
        }
        // Tenant endpoints do not take the operator token.
        let opOnTenant = try await t.client.get("/v1/connectors", key: APITestHub.operatorToken)
        XCTAssertEqual(opOnTenant.status, 403)
    }

    func testProbesAnswerAnyone() async throws {
        let t = try await APITestHub()
        addTeardownBlock { await t.stop() }
        let health = try await t.client.get("/healthz", key: nil)
        XCTAssertEqual(health.status, 200)
        XCTAssertEqual(health.json, ["status": "ok"])
        let ready = try await t.client.get("/readyz", key: nil)
        XCTAssertEqual(ready.status, 200)
        XCTAssertEqual(ready.json?["status"], "ready")
        // A closed store refuses writes: ingest answers 503 (retry later), never a 202 it cannot keep.
        t.store.close()
        let ingest = try await t.ingest(TestEvents.json(id: "e"))
        XCTAssertEqual(ingest.status, 503)
        XCTAssertEqual(ingest.errorCode, "store_unavailable")
        XCTAssertEqual(ingest.header("Retry-After"), "1")
        let alive = try await t.client.get("/healthz", key: nil)
        XCTAssertEqual(alive.status, 200)
    }

    func testNotReadyWithoutAConfiguration() async throws {
        let dir = SandboxPaths.temporaryDirectory(prefix: "inkbridge-ready")
        let store = try SQLiteEventStore(path: dir + "/hub.db")
        let transport = CurlTransport()
        addTeardownBlock { transport.shutdown(); store.close(); try? FileManager.default.removeItem(atPath: dir) }
        let hub = Hub(store: store, registry: APITestHub.registry, transport: transport)
        let responder = APIServer(hub: hub, operatorToken: nil, reload: nil).responder
        let ready = await responder.respond(HTTPServerRequest(method: "GET", path: "/readyz"))
        XCTAssertEqual(ready.status, 503)
        let json = try JSONParser.parse(ready.body)
        XCTAssertEqual(json["status"], "not_ready")
        XCTAssertEqual(json[path: "checks.store"], true)
        XCTAssertEqual(json[path: "checks.config"], false)
        // Without a token configured, no request is an operator.
        let metrics = await responder.respond(HTTPServerRequest(method: "GET", path: "/metrics", headers: [("Authorization", "Bearer ")]))
        XCTAssertEqual(metrics.status, 401)
    }

    func testMetricsExposeEventsDeliveriesLatenciesAndBacklog() async throws {
        let receiver = try WebhookReceiver(secret: APITestHub.signingSecret)
        let t = try await APITestHub(webhookURL: receiver.url, runDispatcher: true)
        addTeardownBlock { await t.stop(); receiver.stop() }
        let paused = try await t.client.post("/v1/connectors/acme-signed/pause", key: APITestHub.acmeKey)
        XCTAssertEqual(paused.status, 200)
        try await t.ingest(TestEvents.json(id: "m1", status: "signed"))
        try await t.ingest(TestEvents.json(id: "m1", status: "signed"))
        try await t.ingest(TestEvents.json(id: "m2", contract: "c2", status: "executed"), key: APITestHub.globexKey)
        let delivered = await receiver.waitForRequests(count: 2, timeout: 10)
        XCTAssertTrue(delivered)
        let settled = try await eventually {
            try await t.store.deliveries(DeliveryQuery(state: .succeeded)).items.count == 2
        }
        XCTAssertTrue(settled)

        let answer = try await t.client.get("/metrics", key: APITestHub.operatorToken)
        XCTAssertEqual(answer.status, 200)
        XCTAssertEqual(answer.header("Content-Type"), "text/plain; version=0.0.4; charset=utf-8")
        let lines = answer.text.split(separator: "\n").map(String.init)
        // Every sample line is `name{labels} value` with a numeric value.
        for line in lines where !line.hasPrefix("#") {
            let parts = line.split(separator: " ")
            XCTAssertEqual(parts.count, 2, line)
            XCTAssertNotNil(Double(parts.last.map(String.init)?.replacingOccurrences(of: "+Inf", with: "inf") ?? ""), line)
        }
        let samples = Dictionary(lines.filter { !$0.hasPrefix("#") }.map { line -> (String, Double) in
            let cut = line.lastIndex(of: " ")!
            return (String(line[..<cut]), Double(line[line.index(after: cut)...]) ?? .nan)
        }, uniquingKeysWith: { a, _ in a })
        XCTAssertEqual(samples[#"inkbridge_events_ingested_total{tenant="acme"}"#], 1)
        XCTAssertEqual(samples[#"inkbridge_events_duplicate_total{tenant="acme"}"#], 1)
        XCTAssertEqual(samples[#"inkbridge_events_ingested_total{tenant="globex"}"#], 1)
        XCTAssertEqual(samples["inkbridge_events_stored"], 2)
        XCTAssertEqual(samples[#"inkbridge_deliveries{connector_type="webhook",state="succeeded"}"#], 2)
        XCTAssertEqual(samples[#"inkbridge_deliveries{connector_type="webhook",state="paused"}"#], 1)
        XCTAssertEqual(samples[#"inkbridge_connector_backlog{tenant="acme",connector="acme-signed"}"#], 1)
        XCTAssertEqual(samples[#"inkbridge_connector_backlog{tenant="acme",connector="acme-hook"}"#], 0)
        XCTAssertEqual(samples[#"inkbridge_delivery_attempt_duration_seconds_count{connector_type="webhook",outcome="success"}"#], 2)
        XCTAssertEqual(samples[#"inkbridge_delivery_attempt_duration_seconds_bucket{connector_type="webhook",outcome="success",le="+Inf"}"#], 2)
        XCTAssertEqual(samples[#"inkbridge_store_commit_duration_seconds_count{operation="ingest"}"#], 3)
        // The two attempt records may share one commit (completions linger to batch up).
        XCTAssertGreaterThanOrEqual(samples[#"inkbridge_store_commit_duration_seconds_count{operation="complete"}"#] ?? 0, 1)
        XCTAssertEqual(samples[#"inkbridge_http_requests_total{method="POST",route="/v1/events",status="202"}"#], 2)
        XCTAssertEqual(samples[#"inkbridge_http_requests_total{method="POST",route="/v1/events",status="200"}"#], 1)
        XCTAssertTrue(lines.contains("# TYPE inkbridge_delivery_attempt_duration_seconds histogram"))
        XCTAssertFalse(answer.text.contains(APITestHub.acmeKey))
    }

    func testReloadWithABrokenFileKeepsTheRunningConfiguration() async throws {
        let t = try await APITestHub()
        addTeardownBlock { await t.stop() }
        let good = try String(contentsOfFile: t.configPath, encoding: .utf8)

        try "{ \"version\": 1, \"tenants\": [".write(toFile: t.configPath, atomically: true, encoding: .utf8)
        let syntax = try await t.client.post("/v1/admin/reload", key: APITestHub.operatorToken)
        XCTAssertEqual(syntax.status, 400)
        XCTAssertEqual(syntax.errorCode, "invalid_config")

        // Two problems at once: both are reported, each with its path.
        let broken = good.replacingOccurrences(of: "\"id\": \"acme-signed\", \"type\": \"webhook\"", with: "\"id\": \"acme-signed\", \"type\": \"fax\"")
            .replacingOccurrences(of: "\"version\": 1", with: "\"version\": 2")
        try broken.write(toFile: t.configPath, atomically: true, encoding: .utf8)
        let invalid = try await t.client.post("/v1/admin/reload", key: APITestHub.operatorToken)
        XCTAssertEqual(invalid.status, 400)
        XCTAssertEqual(invalid.errorField, "version")
        let fields = invalid.json?[path: "error.issues"]?.arrayValue?.compactMap { $0["field"]?.stringValue } ?? []
        XCTAssertEqual(fields, ["version", "tenants[0].connectors[1].type"])

        // The running configuration still routes and still answers.
        let ingest = try await t.ingest(TestEvents.json(id: "still", status: "signed"))
        XCTAssertEqual(ingest.status, 202)
        XCTAssertEqual(Set(ingest.deliveries().keys), ["acme-hook", "acme-signed"])

        // A valid file with one more connector takes effect without a restart.
        let extra = """
            ,
                    { "id": "acme-extra", "type": "webhook", "on": ["signed"],
                      "settings": { "url": "\(APITestHub.closedURL)" },
                      "secrets": { "signing_secret": { "file": "\(t.directory)/signing_secret" } } }
            """
        try APITestHub.config(directory: t.directory, webhookURL: APITestHub.closedURL, retry: [60], extraAcmeConnector: extra)
            .write(toFile: t.configPath, atomically: true, encoding: .utf8)
        let reloaded = try await t.client.post("/v1/admin/reload", key: APITestHub.operatorToken)
        XCTAssertEqual(reloaded.status, 200, reloaded.text)
        XCTAssertEqual(reloaded.json, ["reloaded": true, "tenants": 2, "connectors": 4])
        let after = try await t.ingest(TestEvents.json(id: "after", contract: "c2", status: "signed"))
        XCTAssertEqual(Set(after.deliveries().keys), ["acme-hook", "acme-signed", "acme-extra"])
        // Deliveries queued before the reload are all still there.
        let still = try await t.client.get("/v1/events/still", key: APITestHub.acmeKey)
        XCTAssertEqual(still.json?["deliveries"]?.arrayValue?.count, 2)
        let audit = try await t.store.auditEntries().filter { $0.actor == "operator" }.map(\.action)
        XCTAssertEqual(audit, ["config_reload_rejected", "config_reload_rejected", "config_loaded"])
    }
}
