import Foundation
@testable import InkBridgeCore
import InkBridgeSandbox
import XCTest

/// A new store uses 8 KiB pages; a database made before with another page size keeps it
/// and stays usable (SQLite cannot change the page size of a WAL database in place).
final class SQLitePageSizeTests: XCTestCase {
    let dir = SandboxPaths.temporaryDirectory(prefix: "inkbridge-test")
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    override func tearDown() { try? FileManager.default.removeItem(atPath: dir) }

    /// The page size in the database file's header (offset 16, big-endian; 1 means 65,536).
    func pageSize(_ path: String) throws -> Int {
        let header = try XCTUnwrap(FileManager.default.contents(atPath: path)).prefix(18)
        let value = Int(header[16]) << 8 | Int(header[17])
        return value == 1 ? 65_536 : value
    }

    func ingestAndRead(_ store: SQLiteEventStore, id: String) async throws -> StoredEvent? {
        let e = TestEvents.event(id: id)
        _ = try await store.ingest(tenant: "acme", items: [IngestItem(event: e, deliveries: [PlannedDelivery(connector: "hook", isStateConnector: false)])],
                                   now: now)
        return try await store.event(tenant: "acme", id: id)
    }

    func testANewStoreUses8KiBPages() async throws {
        let path = dir + "/new.db"
        let store = try SQLiteEventStore(path: path)
        let stored = try await ingestAndRead(store, id: "e1")
        store.close()
        XCTAssertEqual(stored?.id, "e1")
        XCTAssertEqual(try pageSize(path), 8192)
    }

    func testAnOlderDatabaseKeepsItsPageSize() async throws {
        let path = dir + "/old.db"
        do {
            // Closed when it goes out of scope.
            let old = try SQLiteConnection(path: path)
            try old.execute("PRAGMA page_size=4096")
            try old.execute("PRAGMA journal_mode=WAL")
            try old.execute("CREATE TABLE before_us (x INTEGER)")
        }
        XCTAssertEqual(try pageSize(path), 4096)

        let store = try SQLiteEventStore(path: path)
        let stored = try await ingestAndRead(store, id: "e2")
        store.close()
        XCTAssertEqual(stored?.id, "e2")
        XCTAssertEqual(try pageSize(path), 4096, "the existing database is used as it is")
    }
}
