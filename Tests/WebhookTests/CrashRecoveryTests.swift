import Foundation
import InkBridgeCore
import InkBridgeSandbox
import XCTest

/// `inkbridge serve` killed with SIGKILL while delivering, then restarted on the same store.
final class CrashRecoveryTests: XCTestCase {
    func testSIGKILLWhileDeliveringLosesNothing() async throws {
        let total = 5000
        let dir = SandboxPaths.temporaryDirectory(prefix: "inkbridge-crash")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let receiver = try WebhookReceiver(secret: WebhookHarness.secret)
        defer { receiver.stop() }
        let configPath = dir + "/connectors.json"
        try WebhookHarness.config(url: receiver.url, schedule: [0.1, 0.5, 1, 2], allowPrivate: true)
            .write(toFile: configPath, atomically: true, encoding: .utf8)
        let env = ["HOOK_SECRET": WebhookHarness.secret]

        // Acknowledged events: committed by ingest before the hub process starts.
        do {
            let store = try SQLiteEventStore(path: dir + "/hub.db")
            let loaded = try ConfigLoader(registry: WebhookHarness.registry, resolver: SecretResolver(environment: env)).load(path: configPath)
            let hub = Hub(store: store, registry: WebhookHarness.registry, transport: CurlTransport())
            try await hub.apply(loaded)
            for batch in stride(from: 0, to: total, by: 500) {
                let events = (batch..<(batch + 500)).map { WebhookHarness.event("evt_\($0)", contract: "ctr_\($0 % 700)", sequence: $0 / 700) }
                _ = try await hub.sandboxIngest(tenant: "acme", "[" + events.joined(separator: ",") + "]")
            }
            store.close()
        }

        let first = try ServeProcess(config: configPath, store: dir + "/hub.db", environment: env)
        let started = await receiver.waitForRequests(count: 1000, timeout: 60)
        first.signal(SIGKILL)
        XCTAssertNotNil(first.waitForExit(timeout: 30), "SIGKILL ends the process")
        let atKill = Set(receiver.requests.compactMap { $0.json?["id"]?.stringValue }).count
        XCTAssertTrue(started)
        XCTAssertLessThan(atKill, total, "the kill must land while deliveries are still going on")

        let second = try ServeProcess(config: configPath, store: dir + "/hub.db", environment: env)
        // The condition runs on every arrival: it looks only at requests it has not seen yet.
        let seen = DistinctEvents()
        let all = await receiver.waitUntil(timeout: 90) { requests in seen.update(requests) >= total }
        second.signal(SIGTERM)
        let stopped = second.waitForExit(timeout: 30)
        XCTAssertTrue(all, "every acknowledged event reaches the receiver")
        XCTAssertEqual(stopped?.status, 0, "SIGTERM is a clean stop")

        var idsByEvent: [String: Set<String>] = [:]
        for r in receiver.requests {
            XCTAssertTrue(r.signatureValid)
            if let e = r.json?["id"]?.stringValue, let w = r.webhookID { idsByEvent[e, default: []].insert(w) }
        }
        XCTAssertEqual(idsByEvent.count, total)
        XCTAssertTrue(idsByEvent.values.allSatisfy { $0.count == 1 }, "a duplicate after the crash carries the same webhook-id")

        let store = try SQLiteEventStore(path: dir + "/hub.db")
        defer { store.close() }
        let counts = try await store.deliveryCounts()
        XCTAssertEqual(counts[ConnectorKey(tenant: "acme", connector: "hook")]?[.succeeded], total)
    }
}

/// Event ids answered 204, collected incrementally.
final class DistinctEvents: @unchecked Sendable {
    private let lock = NSLock()
    private var processed = 0
    private var ids: Set<String> = []

    func update(_ requests: [ReceivedWebhook]) -> Int {
        lock.lock()
        defer { lock.unlock() }
        for r in requests[processed...] where r.status == 204 {
            if let id = r.json?["id"]?.stringValue { ids.insert(id) }
        }
        processed = requests.count
        return ids.count
    }
}

extension Hub {
    func sandboxIngest(tenant: String, _ json: String) async throws -> [IngestOutcome] {
        try await ingest(tenant: tenant, events: try EventValidator.parseBody(Array(json.utf8)).get())
    }
}
