import Foundation
import InkBridgeCore
import InkBridgeSandbox
import XCTest

/// SIGTERM while clients are posting: the listener closes, requests already
/// read are answered, and every 202 given is in the store afterwards.
final class ServeShutdownTests: XCTestCase {
    func testSIGTERMUnderLoadKeepsEveryAcknowledgedEventAndExitsZero() async throws {
        let (dir, config) = try ServeProcess.makeDirectory()
        addTeardownBlock { try? FileManager.default.removeItem(atPath: dir) }
        let serve = try ServeProcess(config: config, store: dir + "/hub.db", environment: [:])
        let acks = Locked<[String]>([])
        let statuses = Locked<Set<Int>>([])
        await withTaskGroup(of: Void.self) { group in
            for c in 0..<8 {
                group.addTask {
                    let client = APIClient(port: serve.port)
                    for n in 0..<2000 {
                        let id = "t\(c)_\(n)"
                        guard let answer = try? await client.post("/v1/events", key: APITestHub.acmeKey,
                                                                  json: TestEvents.json(id: id, contract: id)) else { return }
                        statuses.withLock { $0.insert(answer.status) }
                        guard answer.status == 202 else { return }
                        let count = acks.withLock { a -> Int in a.append(id); return a.count }
                        if count == 200 { serve.signal(SIGTERM) }
                    }
                }
            }
        }
        let exit = serve.waitForExit(timeout: 30)
        XCTAssertEqual(exit?.status, 0, serve.stderr)
        XCTAssertEqual(exit?.signalled, false)
        // While stopping, a request is either answered 202 or refused 503; nothing else.
        XCTAssertTrue(statuses.value.isSubset(of: [202, 503]), "\(statuses.value)")
        let store = try SQLiteEventStore(path: dir + "/hub.db")
        defer { store.close() }
        var lost: [String] = []
        for id in acks.value where try await store.event(tenant: "acme", id: id) == nil { lost.append(id) }
        XCTAssertEqual(lost, [])
        XCTAssertGreaterThanOrEqual(acks.value.count, 200)
    }
}
