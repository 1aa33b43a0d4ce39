import Foundation
import InkBridgeCore
import InkBridgeSandbox
@testable import StorageArchive
import XCTest

/// storage.s3 against moto (a real S3 implementation, signatures checked) with
/// documents served by a local document server.
final class S3ArchiveTests: XCTestCase {
    // Started once for the class by the first test's setUp, stopped in the class tearDown;
    // XCTest runs a class's tests one after another, so nothing else touches it.
    nonisolated(unsafe) static var shared: Result<MotoFixture, any Error>?

    var moto: MotoFixture!
    var documents: DocumentServer!
    var transport: CurlTransport!
    var temporary: String!
    let clock = FixedClock(date: Date(timeIntervalSince1970: 1_795_000_000))  // 2026-11-18

    override func setUp() async throws {
        if Self.shared == nil {
            do { Self.shared = .success(try await MotoFixture.start()) } catch { Self.shared = .failure(error) }
        }
        moto = try Self.shared!.get()
        documents = try DocumentServer()
        transport = CurlTransport()
        temporary = try makeTemporaryDirectory(self, "s3-download")
    }

    override func tearDown() async throws {
        documents?.stop()
        transport?.shutdown()
        // Every delivery removes its download, whatever the outcome.
        if let temporary { XCTAssertEqual(contents(of: temporary), [], "temporary downloads left behind") }
    }

    override class func tearDown() {
        if case .success(let fixture)? = shared { fixture.stop() }
        shared = nil
    }

    func connector(bucket: String, extra: [String: JSON] = [:], keyID: String? = nil, secret: String? = nil) throws -> any Connector {
        var settings = JSONObject([("bucket", .string(bucket)), ("region", "us-east-1"), ("endpoint", .string(moto.server.endpoint)),
                                   ("path_style", true)])
        for (k, v) in extra.sorted(by: { $0.key < $1.key }) { settings[k] = v }
        let secrets = ResolvedSecrets(["access_key_id": keyID ?? moto.accessKeyID, "secret_access_key": secret ?? moto.secretAccessKey])
        let config = Fixtures.config(type: "storage.s3", settings: .object(settings),
                                     secrets: ["access_key_id": .env("K"), "secret_access_key": .env("S")])
        var issues = IssueCollector()
        S3ArchivePlugin().validate(config, secrets: secrets, issues: &issues)
        XCTAssertEqual(issues.issues, [])
        let context = ConnectorContext(http: transport, network: NetworkPolicy(allowPrivate: true), timeout: 30, tenantID: "acme",
                                       connectorID: "archive", temporaryDirectory: temporary, clock: clock)
        return try S3ArchivePlugin().makeConnector(config, secrets: secrets, context: context)
    }

    /// Serves `bytes` and answers an executed event pointing at it.
    func event(contract: String, bytes: [UInt8], declaredHash: String? = nil, eventID: String? = nil) -> ContractEvent {
        let url = documents.put("/\(contract)/executed.pdf", bytes)
        return Fixtures.event(id: eventID ?? "evt_\(contract)", contract: contract,
                              document: ["url": .string(url), "sha256": .string(declaredHash ?? Digest.sha256Hex(bytes)),
                                         "filename": "executed.pdf"])
    }

    func key(_ contract: String) -> String { "acme/cust_9/2026/\(contract)/executed.pdf" }

    func get(_ bucket: String, _ key: String) async throws -> HTTPResponse {
        var call = S3Client.Call(method: "GET", key: key)
        call.maxResponseBytes = 64 << 20
        return try await moto.client(bucket: bucket).send(call)
    }

    func head(_ bucket: String, _ key: String) async throws -> HTTPResponse {
        var call = S3Client.Call(method: "HEAD", key: key)
        call.headers = [("x-amz-checksum-mode", "ENABLED")]
        return try await moto.client(bucket: bucket).send(call)
    }

    /// Every version of a key (object-lock buckets are versioned).
    func versions(_ bucket: String, _ key: String) async throws -> [String] {
        var call = S3Client.Call(method: "GET", key: nil)
        call.query = [("versions", ""), ("prefix", key)]
        let response = try await moto.client(bucket: bucket).send(call)
        XCTAssertEqual(response.status, 200, response.bodyText)
        let root = try XCTUnwrap(S3XMLElement.parse(response.body))
        return root.children.filter { $0.name == "Version" }.compactMap { $0.childText("VersionId") }
    }

    func testExecutedEventLandsWithBytesChecksumMetadataAndRetention() async throws {
        let bytes = documentBytes(300_000, seed: 1)
        let archive = try connector(bucket: MotoFixture.lockedBucket,
                                    extra: ["object_lock": ["mode": "COMPLIANCE", "retention_days": 2555], "sse": "AES256"])
        let outcome = await archive.deliver(Fixtures.delivery(event(contract: "ctr_lock", bytes: bytes, eventID: "evt_lock_1")))
        XCTAssertEqual(outcome.kind, .success, "\(String(describing: outcome.error))")

        let object = try await get(MotoFixture.lockedBucket, key("ctr_lock"))
        XCTAssertEqual(object.status, 200)
        XCTAssertEqual(object.body, bytes, "the object's bytes differ from the document")
        let meta = try await head(MotoFixture.lockedBucket, key("ctr_lock"))
        XCTAssertEqual(meta.header("x-amz-checksum-sha256"), Data(Digest.sha256(bytes)).base64EncodedString())
        XCTAssertEqual(meta.header("x-amz-meta-sha256"), Digest.sha256Hex(bytes))
        XCTAssertEqual(meta.header("x-amz-meta-tenant"), "acme")
        XCTAssertEqual(meta.header("x-amz-meta-contract-id"), "ctr_lock")
        XCTAssertEqual(meta.header("x-amz-meta-event-id"), "evt_lock_1")
        XCTAssertEqual(meta.header("Content-Type"), "application/pdf")
        XCTAssertEqual(meta.header("x-amz-server-side-encryption"), "AES256")
        XCTAssertEqual(meta.header("x-amz-object-lock-mode"), "COMPLIANCE")
        // now + 2555 days with the fixed clock: 2033-11-16.
        let until = try XCTUnwrap(meta.header("x-amz-object-lock-retain-until-date"))
        let expected = clock.date.addingTimeInterval(2555 * 86400)
        let parsed = try XCTUnwrap(RFC3339.parse(until), until)
        XCTAssertEqual(parsed.timeIntervalSince1970, expected.timeIntervalSince1970, accuracy: 1, until)
    }

    func testRepeatingTheDeliveryWritesNothing() async throws {
        let bytes = documentBytes(50_000, seed: 2)
        let archive = try connector(bucket: MotoFixture.lockedBucket)
        let first = await archive.deliver(Fixtures.delivery(event(contract: "ctr_again", bytes: bytes), id: "dlv_again"))
        XCTAssertEqual(first.kind, .success, "\(String(describing: first.error))")
        let before = try await versions(MotoFixture.lockedBucket, key("ctr_again"))
        XCTAssertEqual(before.count, 1)

        let replay = await archive.deliver(Fixtures.delivery(event(contract: "ctr_again", bytes: bytes), id: "dlv_again"))
        XCTAssertEqual(replay.kind, .success, "\(String(describing: replay.error))")
        XCTAssertTrue(replay.detail?.contains("nothing written") ?? false, replay.detail ?? "")
        let after = try await versions(MotoFixture.lockedBucket, key("ctr_again"))
        XCTAssertEqual(after, before, "a replay created a new object version")
    }

    func testADifferentDocumentUnderTheSameKeyIsAConflictAndTheOriginalStays() async throws {
        let original = documentBytes(40_000, seed: 3)
        let other = documentBytes(40_000, seed: 4)
        let archive = try connector(bucket: MotoFixture.plainBucket)
        let first = await archive.deliver(Fixtures.delivery(event(contract: "ctr_conflict", bytes: original)))
        XCTAssertEqual(first.kind, .success, "\(String(describing: first.error))")

        let second = await archive.deliver(Fixtures.delivery(event(contract: "ctr_conflict", bytes: other, eventID: "evt_conflict_2")))
        XCTAssertEqual(second.kind, .permanent)
        XCTAssertEqual(second.error?.code, "conflict")
        let message = second.error?.message ?? ""
        XCTAssertTrue(message.contains(Digest.sha256Hex(original)) && message.contains(Digest.sha256Hex(other)), message)
        let object = try await get(MotoFixture.plainBucket, key("ctr_conflict"))
        XCTAssertEqual(object.body, original, "the original object was overwritten")
    }

    func testHashMismatchArchivesNothing() async throws {
        let bytes = documentBytes(10_000, seed: 5)
        let declared = Digest.sha256Hex(Array("something else".utf8))
        let archive = try connector(bucket: MotoFixture.plainBucket)
        let outcome = await archive.deliver(Fixtures.delivery(event(contract: "ctr_mismatch", bytes: bytes, declaredHash: declared)))
        XCTAssertEqual(outcome.kind, .permanent)
        XCTAssertEqual(outcome.error?.code, "hash_mismatch")
        let message = outcome.error?.message ?? ""
        XCTAssertTrue(message.contains(declared) && message.contains(Digest.sha256Hex(bytes)), message)
        let missing = try await head(MotoFixture.plainBucket, key("ctr_mismatch"))
        XCTAssertEqual(missing.status, 404, "something was archived despite the mismatch")
    }

    func testMultipartUploadAboveTheThresholdAndItsReplay() async throws {
        // 12 MiB with a 5 MiB threshold and 5 MiB parts: three parts, the last one short.
        let bytes = documentBytes(12 << 20, seed: 6)
        let archive = try connector(bucket: MotoFixture.plainBucket, extra: ["multipart_threshold_mb": 5, "multipart_part_mb": 5])
        let outcome = await archive.deliver(Fixtures.delivery(event(contract: "ctr_multi", bytes: bytes)))
        XCTAssertEqual(outcome.kind, .success, "\(String(describing: outcome.error))")
        XCTAssertTrue(outcome.detail?.contains("in 3 parts") ?? false, outcome.detail ?? "")

        let object = try await get(MotoFixture.plainBucket, key("ctr_multi"))
        XCTAssertEqual(object.body.count, bytes.count)
        XCTAssertTrue(object.body == bytes, "the assembled object differs from the document")
        let meta = try await head(MotoFixture.plainBucket, key("ctr_multi"))
        XCTAssertEqual(meta.header("x-amz-meta-sha256"), Digest.sha256Hex(bytes))
        // A multipart object's checksum is over the part checksums, marked with the part count.
        XCTAssertTrue(meta.header("ETag")?.hasSuffix("-3\"") ?? false, meta.header("ETag") ?? "no ETag")

        let replay = await archive.deliver(Fixtures.delivery(event(contract: "ctr_multi", bytes: bytes)))
        XCTAssertEqual(replay.kind, .success)
        XCTAssertTrue(replay.detail?.contains("nothing written") ?? false, replay.detail ?? "")
        let other = await archive.deliver(Fixtures.delivery(event(contract: "ctr_multi", bytes: documentBytes(12 << 20, seed: 7))))
        XCTAssertEqual(other.error?.code, "conflict")
    }

    func testWrongCredentialsArePermanentWithS3sErrorCode() async throws {
        let bytes = documentBytes(1000, seed: 8)
        let unknownKey = try connector(bucket: MotoFixture.plainBucket, keyID: "AKIAUNKNOWNKEY000000", secret: "whatever-secret")
        let unknown = await unknownKey.deliver(Fixtures.delivery(event(contract: "ctr_creds", bytes: bytes)))
        XCTAssertEqual(unknown.kind, .permanent)
        XCTAssertEqual(unknown.error?.code, "InvalidAccessKeyId")
        XCTAssertEqual(unknown.httpStatus, 403)

        let wrongSecret = try connector(bucket: MotoFixture.plainBucket, secret: "not-the-secret-at-all")
        let mismatch = await wrongSecret.deliver(Fixtures.delivery(event(contract: "ctr_creds", bytes: bytes)))
        XCTAssertEqual(mismatch.kind, .permanent)
        XCTAssertEqual(mismatch.error?.code, "SignatureDoesNotMatch")
        XCTAssertFalse(mismatch.error?.message.contains("not-the-secret-at-all") ?? true)
        XCTAssertFalse(mismatch.responseExcerpt?.contains(moto.accessKeyID) ?? false, "the access key id leaked into the excerpt")
        let missing = try await head(MotoFixture.plainBucket, key("ctr_creds"))
        XCTAssertEqual(missing.status, 404)
    }

    /// 150 MiB through multipart in a process of its own: its peak RSS may grow
    /// by less than 64 MiB, so the document is streamed, never held whole.
    func testLargeDocumentIsArchivedByMultipartWithBoundedMemory() async throws {
        let size = 150 << 20
        let bytes = documentBytes(size, seed: 9)
        let sha = Digest.sha256Hex(bytes)
        let url = documents.put("/ctr_large/large.pdf", bytes)

        let probe = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("storage-probe").path
        guard FileManager.default.isExecutableFile(atPath: probe) else {
            return XCTFail("\(probe) is missing: build it with `swift build --build-tests` (swift test builds it too)")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: probe)
        process.arguments = [moto.server.endpoint, MotoFixture.plainBucket, url, sha]
        var environment = ProcessInfo.processInfo.environment
        environment["PROBE_ACCESS_KEY_ID"] = moto.accessKeyID
        environment["PROBE_SECRET_ACCESS_KEY"] = moto.secretAccessKey
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let finished = await eventually(timeout: 300) { !process.isRunning }
        if !finished { kill(process.processIdentifier, SIGKILL); return XCTFail("storage-probe did not finish within 300 s") }
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        XCTAssertEqual(process.terminationStatus, 0, text)
        let report = try XCTUnwrap(JSONParser.parse(text.trimmingCharacters(in: .whitespacesAndNewlines)).objectValue, text)
        XCTAssertEqual(report["kind"], "success", text)
        XCTAssertTrue(report["detail"]?.stringValue?.contains("in 10 parts") ?? false, text)
        let start = try XCTUnwrap(report["rss_start_kib"]?.int64Value)
        let peak = try XCTUnwrap(report["hwm_end_kib"]?.int64Value)
        XCTAssertGreaterThan(start, 0, "no /proc/self/status figures: \(text)")
        print("storage-probe: RSS \(start >> 10) MiB before the delivery, peak \(peak >> 10) MiB after archiving 150 MiB")
        XCTAssertLessThan(peak - start, 64 << 10, "peak RSS grew by \((peak - start) >> 10) MiB while archiving 150 MiB")

        // The object is the document: read it back to a file and hash it there.
        let copy = temporary + "/readback"
        defer { try? FileManager.default.removeItem(atPath: copy) }
        var call = S3Client.Call(method: "GET", key: "probe/ctr_probe/large.pdf")
        call.responseBodyFile = copy
        call.maxResponseBytes = size + 1
        let response = try await moto.client(bucket: MotoFixture.plainBucket).send(call)
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(try FileDigest.compute(path: copy).hex, sha)
        let meta = try await head(MotoFixture.plainBucket, "probe/ctr_probe/large.pdf")
        XCTAssertEqual(meta.header("x-amz-meta-sha256"), sha)
    }
}
