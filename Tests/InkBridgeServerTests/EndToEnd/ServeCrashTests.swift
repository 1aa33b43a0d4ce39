import Foundation
import InkBridgeCore
import InkBridgeSandbox
import XCTest

/// The real `inkbridge serve` binary: acknowledged events survive SIGKILL
/// (SPEC section 5, durable before acknowledged), and SIGTERM stops it cleanly.
final class ServeCrashTests: XCTestCase {
    struct Ack: Sendable {
        let id: String
        let deliveries: [String: String]
    }

    func testAcknowledgedEventsSurviveSIGKILLAndSIGTERMExitsZero() async throws {
        let (dir, config) = try ServeProcess.makeDirectory()
        addTeardownBlock { try? FileManager.default.removeItem(atPath: dir) }
        let env = ["INKBRIDGE_OPERATOR_TOKEN": APITestHub.operatorToken]

        let first = try ServeProcess(config: config, store: dir + "/hub.db", environment: env)
        let acks = Locked<[Ack]>([])
        let killAfter = 300
        // 16 clients post singles and small batches until the server dies under them.
        await withTaskGroup(of: Void.self) { group in
            for c in 0..<16 {
                group.addTask {
                    let client = APIClient(port: first.port)
                    for n in 0..<1000 {
                        let base = "c\(c)_\(n)"
                        let batch = n % 4 == 3
                        let ids = batch ? [base + "_a", base + "_b", base + "_c"] : [base]
                        let body = batch ? TestEvents.batch(ids.map { TestEvents.json(id: $0, contract: $0, status: "signed") })
                            : TestEvents.json(id: base, contract: base, status: "signed")
                        guard let answer = try? await client.post("/v1/events", key: APITestHub.acmeKey, json: body),
                              answer.status == 202 else { return }
                        let count = acks.withLock { a -> Int in
                            for (i, id) in ids.enumerated() { a.append(Ack(id: id, deliveries: answer.deliveries(event: i))) }
                            return a.count
                        }
                        // Killed by the client that sees the threshold: other requests are in flight at that moment.
                        if count >= killAfter && count - ids.count < killAfter { first.signal(SIGKILL) }
                    }
                }
            }
        }
        let exit = first.waitForExit(timeout: 10)
        XCTAssertEqual(exit?.signalled, true, "killed, not exited")
        let acknowledged = acks.value
        XCTAssertGreaterThanOrEqual(acknowledged.count, killAfter)

        let second = try ServeProcess(config: config, store: dir + "/hub.db", environment: env)
        let client = APIClient(port: second.port)
        var lost: [String] = []
        for ack in acknowledged {
            let answer = try await client.get("/v1/events/\(ack.id)", key: APITestHub.acmeKey)
            guard answer.status == 200 else { lost.append(ack.id); continue }
            var stored: [String: String] = [:]
            for d in answer.json?["deliveries"]?.arrayValue ?? [] {
                if let c = d["connector"]?.stringValue, let id = d["id"]?.stringValue { stored[c] = id }
            }
            XCTAssertEqual(stored, ack.deliveries, ack.id)
            XCTAssertEqual(Set(stored.keys), ["acme-hook", "acme-signed"], ack.id)
        }
        XCTAssertEqual(lost, [], "acknowledged before the crash, missing after it")
        // The restarted hub takes new work.
        let fresh = try await client.post("/v1/events", key: APITestHub.acmeKey, json: TestEvents.json(id: "after-restart"))
        XCTAssertEqual(fresh.status, 202)

        second.signal(SIGTERM)
        let stopped = second.waitForExit(timeout: 30)
        XCTAssertEqual(stopped?.status, 0, second.stderr)
        XCTAssertEqual(stopped?.signalled, false)
        XCTAssertTrue(second.stderr.contains("inkbridge serve: stopped"), second.stderr)
        XCTAssertFalse(second.stderr.contains(APITestHub.acmeKey), "keys are never logged")
    }
}
