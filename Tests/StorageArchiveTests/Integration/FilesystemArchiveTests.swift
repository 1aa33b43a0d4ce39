import Foundation
import InkBridgeCore
import InkBridgeSandbox
@testable import StorageArchive
import XCTest

/// storage.filesystem with documents from the local document server.
final class FilesystemArchiveTests: XCTestCase {
    var documents: DocumentServer!
    var transport: CurlTransport!
    var root: String!
    var temporary: String!
    let clock = FixedClock(date: Date(timeIntervalSince1970: 1_795_000_000))

    override func setUp() async throws {
        documents = try DocumentServer()
        transport = CurlTransport()
        root = try makeTemporaryDirectory(self, "archive-root")
        temporary = try makeTemporaryDirectory(self, "fs-download")
    }

    override func tearDown() async throws {
        documents?.stop()
        transport?.shutdown()
        if let temporary { XCTAssertEqual(contents(of: temporary), [], "temporary downloads left behind") }
    }

    func connector(onConflict: String = "fail", root: String? = nil) throws -> any Connector {
        let config = Fixtures.config(type: "storage.filesystem", settings: ["root": .string(root ?? self.root), "on_conflict": .string(onConflict)])
        let context = ConnectorContext(http: transport, network: NetworkPolicy(allowPrivate: true), timeout: 30, tenantID: "acme",
                                       connectorID: "archive", temporaryDirectory: temporary, clock: clock)
        return try FilesystemArchivePlugin().makeConnector(config, secrets: ResolvedSecrets([:]), context: context)
    }

    func event(_ bytes: [UInt8], id: String = "evt_fs_1", declaredHash: String? = nil) -> ContractEvent {
        let url = documents.put("/doc-\(Digest.sha256Hex(bytes).prefix(12)).pdf", bytes)
        return Fixtures.event(id: id, document: ["url": .string(url), "sha256": .string(declaredHash ?? Digest.sha256Hex(bytes)),
                                                 "filename": "executed.pdf"])
    }

    var directory: String { root + "/acme/cust_9/2026/ctr_42" }
    var file: String { directory + "/executed.pdf" }

    func read(_ path: String) -> [UInt8]? { FileManager.default.contents(atPath: path).map { Array($0) } }

    func sidecar(_ path: String) throws -> JSONObject {
        let bytes = try XCTUnwrap(read(path + ".metadata.json"), "no sidecar for \(path)")
        return try XCTUnwrap(JSONParser.parse(bytes).objectValue)
    }

    /// Inode and modification time: what a rewrite (even with the same bytes) would change.
    func identity(_ path: String) throws -> String {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        return "\(attributes[.systemFileNumber] ?? "?")@\(attributes[.modificationDate] ?? "?")"
    }

    func testArchivesTheBytesWithASidecarAndNoTemporaryFiles() async throws {
        let bytes = documentBytes(200_000, seed: 21)
        let outcome = try await connector().deliver(Fixtures.delivery(event(bytes), id: "dlv_fs_1"))
        XCTAssertEqual(outcome.kind, .success, "\(String(describing: outcome.error))")
        XCTAssertEqual(read(file), bytes)
        let meta = try sidecar(file)
        XCTAssertEqual(meta["tenant"], "acme")
        XCTAssertEqual(meta["contract_id"], "ctr_42")
        XCTAssertEqual(meta["status"], "executed")
        XCTAssertEqual(meta["event_id"], "evt_fs_1")
        XCTAssertEqual(meta["sha256"], .string(Digest.sha256Hex(bytes)))
        XCTAssertEqual(meta["size"], JSON(bytes.count))
        XCTAssertEqual(meta["key"], "acme/cust_9/2026/ctr_42/executed.pdf")
        XCTAssertEqual(meta["archived_at"], .string(RFC3339.format(clock.date)))
        XCTAssertEqual(contents(of: directory), ["executed.pdf", "executed.pdf.metadata.json"], "temporary files left in the target directory")
    }

    func testRepeatingTheDeliveryRewritesNothing() async throws {
        let bytes = documentBytes(10_000, seed: 22)
        let archive = try connector()
        let first = await archive.deliver(Fixtures.delivery(event(bytes), id: "dlv_same"))
        XCTAssertEqual(first.kind, .success)
        let before = try [identity(file), identity(file + ".metadata.json")]

        let replay = await archive.deliver(Fixtures.delivery(event(bytes), id: "dlv_same"))
        XCTAssertEqual(replay.kind, .success)
        XCTAssertTrue(replay.detail?.contains("already archived") ?? false, replay.detail ?? "")
        XCTAssertEqual(try [identity(file), identity(file + ".metadata.json")], before, "the file or its sidecar was rewritten")
        XCTAssertEqual(contents(of: directory), ["executed.pdf", "executed.pdf.metadata.json"])
    }

    func testADifferentDocumentIsAConflictAndTheOriginalStays() async throws {
        let original = documentBytes(10_000, seed: 23)
        let other = documentBytes(10_000, seed: 24)
        let archive = try connector()
        _ = await archive.deliver(Fixtures.delivery(event(original)))
        let before = try identity(file)
        let outcome = await archive.deliver(Fixtures.delivery(event(other, id: "evt_fs_2")))
        XCTAssertEqual(outcome.kind, .permanent)
        XCTAssertEqual(outcome.error?.code, "conflict")
        let message = outcome.error?.message ?? ""
        XCTAssertTrue(message.contains(Digest.sha256Hex(original)) && message.contains(Digest.sha256Hex(other)), message)
        XCTAssertEqual(read(file), original)
        XCTAssertEqual(try identity(file), before)
        XCTAssertEqual(try sidecar(file)["event_id"], "evt_fs_1")
    }

    func testVersionModeKeepsBothAndStaysIdempotent() async throws {
        let original = documentBytes(10_000, seed: 25)
        let amended = documentBytes(12_000, seed: 26)
        let archive = try connector(onConflict: "version")
        let first = await archive.deliver(Fixtures.delivery(event(original)))
        XCTAssertEqual(first.kind, .success)
        let second = await archive.deliver(Fixtures.delivery(event(amended, id: "evt_fs_2")))
        XCTAssertEqual(second.kind, .success, "\(String(describing: second.error))")
        let v2 = directory + "/executed.v2.pdf"
        XCTAssertEqual(read(file), original)
        XCTAssertEqual(read(v2), amended)
        XCTAssertEqual(try sidecar(v2)["key"], "acme/cust_9/2026/ctr_42/executed.v2.pdf")
        XCTAssertEqual(try sidecar(v2)["event_id"], "evt_fs_2")

        // Replays of either version write nothing new.
        let replayAmended = await archive.deliver(Fixtures.delivery(event(amended, id: "evt_fs_2")))
        let replayOriginal = await archive.deliver(Fixtures.delivery(event(original)))
        XCTAssertEqual(replayAmended.kind, .success)
        XCTAssertEqual(replayOriginal.kind, .success)
        XCTAssertEqual(contents(of: directory), ["executed.pdf", "executed.pdf.metadata.json", "executed.v2.pdf", "executed.v2.pdf.metadata.json"])
    }

    func testHashMismatchWritesNothing() async throws {
        let bytes = documentBytes(10_000, seed: 27)
        let declared = Digest.sha256Hex(documentBytes(10_000, seed: 28))
        let outcome = try await connector().deliver(Fixtures.delivery(event(bytes, declaredHash: declared)))
        XCTAssertEqual(outcome.kind, .permanent)
        XCTAssertEqual(outcome.error?.code, "hash_mismatch")
        let message = outcome.error?.message ?? ""
        XCTAssertTrue(message.contains(declared) && message.contains(Digest.sha256Hex(bytes)), message)
        XCTAssertEqual(contents(of: root), [], "something was written below the root")
    }

    func testAMissingSidecarIsRestoredOnReplay() async throws {
        let bytes = documentBytes(10_000, seed: 29)
        let archive = try connector()
        _ = await archive.deliver(Fixtures.delivery(event(bytes)))
        // As after a crash between the file and its sidecar.
        try FileManager.default.removeItem(atPath: file + ".metadata.json")
        let before = try identity(file)
        let replay = await archive.deliver(Fixtures.delivery(event(bytes)))
        XCTAssertEqual(replay.kind, .success)
        XCTAssertEqual(try sidecar(file)["sha256"], .string(Digest.sha256Hex(bytes)))
        XCTAssertEqual(try identity(file), before)
    }

    func testAMissingRootIsRetriedAndNeverCreated() async throws {
        let absent = root + "/not-mounted"
        let outcome = try await connector(root: absent).deliver(Fixtures.delivery(event(documentBytes(100, seed: 30))))
        XCTAssertEqual(outcome.kind, .retry(notBefore: nil))
        XCTAssertEqual(outcome.error?.code, "io")
        XCTAssertFalse(FileManager.default.fileExists(atPath: absent))
    }

    func testAnEscapingFilenameIsPermanentAndWritesNothing() async throws {
        let bytes = documentBytes(100, seed: 31)
        let url = documents.put("/evil.pdf", bytes)
        let event = Fixtures.event(document: ["url": .string(url), "filename": "../../../../etc/cron.d/evil"])
        let outcome = try await connector().deliver(Fixtures.delivery(event))
        XCTAssertEqual(outcome.kind, .permanent)
        XCTAssertEqual(outcome.error?.code, "invalid_key")
        XCTAssertEqual(contents(of: root), [])
        XCTAssertTrue(documents.requests.isEmpty, "the document was fetched for a key that cannot be used")
    }
}
