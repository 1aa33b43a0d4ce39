import InkBridgeCore
import InkBridgeSandbox
import XCTest

/// The WAL is checkpointed off the writer and stays bounded (SQLiteCheckpointer), with
/// thresholds made small so that a few hundred commits cross them.
final class SQLiteCheckpointTests: XCTestCase {
    var dir: String!
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    override func setUp() {
        dir = SandboxPaths.temporaryDirectory(prefix: "inkbridge-test")
    }

    override func tearDown() {
        try? FileManager.default.removeItem(atPath: dir)
    }

    func fileSize(_ name: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: dir + "/" + name))?[.size] as? Int) ?? 0
    }

    /// One event per transaction, as separate API requests would commit them.
    func ingest(_ store: SQLiteEventStore, count: Int, from first: Int = 0) async throws {
        for n in first..<(first + count) {
            let e = TestEvents.event(id: "e\(n)", contract: "ctr-\(n)", sequence: 1)
            _ = try await store.ingest(tenant: "acme", items: [IngestItem(event: e, deliveries: [PlannedDelivery(connector: "hook", isStateConnector: false)])],
                                       now: now)
        }
    }

    func testTheWALStaysBoundedWhileEveryCommitAddsFrames() async throws {
        let store = try SQLiteEventStore(path: dir + "/hub.db", checkpointNudgeFrames: 40, checkpointBackstopFrames: 160)
        defer { store.close() }
        // 400 commits of several pages each: several thousand frames, many MiB of WAL if it never restarted.
        var largest = 0
        for round in 0..<8 {
            try await ingest(store, count: 50, from: round * 50)
            largest = max(largest, fileSize("hub.db-wal"))
        }
        XCTAssertGreaterThan(largest, 0, "the store runs in WAL mode")
        // A frame is a page plus its 24-byte header; the page size is in the WAL header (bytes 8-11).
        // It was written here as 4 KiB, and the store's 8 KiB pages made the bound too tight: on a
        // loaded machine the restart can come a few dozen frames past the backstop (202 frames seen).
        let header = try XCTUnwrap(FileHandle(forReadingAtPath: dir + "/hub.db-wal")).readData(ofLength: 12)
        let pageSize = header.count == 12 ? header[8..<12].reduce(0) { $0 << 8 | Int($1) } : 0
        XCTAssertGreaterThanOrEqual(pageSize, 512)
        let frame = pageSize + 24
        // Never restarted, 400 commits of several pages would leave thousands of frames.
        XCTAssertLessThan(largest, 400 * frame, "the WAL restarts once it passes the backstop (160 frames) and is checkpointed")
        let page = try await store.deliveries(DeliveryQuery(tenant: "acme", limit: 500))
        XCTAssertEqual(page.items.count, 400, "nothing is lost by checkpoints and restarts")
    }

    func testCommitsPastTheNudgeThresholdAreCopiedIntoTheDatabaseFileInTheBackground() async throws {
        let store = try SQLiteEventStore(path: dir + "/hub.db", checkpointNudgeFrames: 40, checkpointBackstopFrames: 1_000_000)
        defer { store.close() }
        store.settleCheckpoints()
        let before = fileSize("hub.db")
        try await ingest(store, count: 60)
        store.settleCheckpoints()
        XCTAssertGreaterThan(fileSize("hub.db"), before, "pages written since the store opened reached the database file")
        XCTAssertGreaterThan(fileSize("hub.db-wal"), 0)
    }
}
