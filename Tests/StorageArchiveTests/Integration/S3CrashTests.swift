import Foundation
import InkBridgeCore
import InkBridgeSandbox
@testable import StorageArchive
import XCTest

/// `inkbridge serve` killed with SIGKILL in the middle of a multipart upload to
/// S3 (moto), then restarted: the archive never holds a partial object, and the
/// document the killed process was holding does not stay on disk.
final class S3CrashTests: XCTestCase {
    func testSIGKILLDuringUploadLeavesNothingOrTheWholeVerifiedObject() async throws {
        let moto = try await MotoFixture.start()
        defer { moto.stop() }
        let documents = try DocumentServer()
        defer { documents.stop() }
        let dir = try makeTemporaryDirectory(self, "s3-crash")
        let bytes = documentBytes(80 << 20, seed: 42)
        let sha = Digest.sha256Hex(bytes)
        let url = documents.put("/ctr_crash/executed.pdf", bytes)
        let key = "acme/ctr_crash/executed.pdf"
        let configPath = dir + "/connectors.json"
        try """
        {"version":1,"network":{"allow_private":true},"tenants":[{"id":"acme","api_keys":[{"sha256":"\(String(repeating: "0", count: 64))"}],
         "connectors":[{"id":"archive","type":"storage.s3","timeout":120,"retry":{"schedule":[0.2,0.5,1,2]},
           "settings":{"bucket":"\(MotoFixture.plainBucket)","region":"us-east-1","endpoint":"\(moto.server.endpoint)","path_style":true,
                       "key":"{tenant}/{contract.id}/{filename}","multipart_threshold_mb":8,"multipart_part_mb":8},
           "secrets":{"access_key_id":{"env":"S3_KEY"},"secret_access_key":{"env":"S3_SECRET"}}}]}]}
        """.write(toFile: configPath, atomically: true, encoding: .utf8)
        // The hubs' temporary directory, to see what each one leaves there.
        let tmp = dir + "/tmp"
        try FileManager.default.createDirectory(atPath: tmp, withIntermediateDirectories: true)
        let env = ["S3_KEY": moto.accessKeyID, "S3_SECRET": moto.secretAccessKey, "TMPDIR": tmp]
        let event = """
            {"id":"evt_crash","type":"contract.status_changed","occurred_at":"2026-11-21T10:15:00Z",
             "contract":{"id":"ctr_crash","sequence":3,"status":"executed","customer":{"id":"cust_9"},
                         "document":{"url":"\(url)","sha256":"\(sha)","filename":"executed.pdf"}}}
            """
        let emit = try runCLI(["emit", "--tenant", "acme", "--config", configPath, "--store", "sqlite:\(dir)/hub.db", "-"],
                              environment: env, stdin: event)
        XCTAssertEqual(emit.status, 0, "inkbridge emit: \(emit.stderr)")

        let client = moto.client(bucket: MotoFixture.plainBucket)
        let first = try ServeProcess(config: configPath, store: dir + "/hub.db", environment: env)
        // Kill once a multipart upload of the object is under way.
        let uploading = await eventually(timeout: 60) {
            var list = S3Client.Call(method: "GET", key: nil)
            list.query = [("uploads", "")]
            return (try? await client.send(list))?.bodyText.contains("<UploadId>") == true
        }
        first.signal(SIGKILL)
        XCTAssertNotNil(first.waitForExit(timeout: 30), "SIGKILL ends the process")
        XCTAssertTrue(uploading, "the kill must land during the upload")
        let killedSpool = "\(tmp)/\(SpoolDirectory.prefix)\(first.pid)"
        let leftByKill = (try? FileManager.default.contentsOfDirectory(atPath: killedSpool)) ?? []
        XCTAssertEqual(leftByKill.filter { $0.hasPrefix("inkbridge-document-") }.count, 1,
                       "the killed hub was holding the downloaded document in its spool directory")

        let afterKill = try await client.send(S3Client.Call(method: "HEAD", key: key))
        if afterKill.status == 200 {
            try await assertWholeObject(client, key: key, bytes: bytes)
        } else {
            XCTAssertEqual(afterKill.status, 404, "nothing, or the complete object; never a partial one")
        }

        let second = try ServeProcess(config: configPath, store: dir + "/hub.db", environment: env)
        let archived = await eventually(timeout: 90) { (try? await client.send(S3Client.Call(method: "HEAD", key: key)))?.status == 200 }
        XCTAssertFalse(FileManager.default.fileExists(atPath: killedSpool), "the restarted hub removed the dead hub's spool directory")
        second.signal(SIGTERM)
        XCTAssertEqual(second.waitForExit(timeout: 30)?.status, 0, second.stderr)
        XCTAssertTrue(archived, "the restarted hub finishes the archive")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: tmp), [], "a clean stop leaves nothing in TMPDIR")
        try await assertWholeObject(client, key: key, bytes: bytes)
    }

    func assertWholeObject(_ client: S3Client, key: String, bytes: [UInt8]) async throws {
        var get = S3Client.Call(method: "GET", key: key)
        get.maxResponseBytes = bytes.count + 1
        let object = try await client.send(get)
        XCTAssertEqual(object.status, 200)
        XCTAssertEqual(object.body.count, bytes.count)
        XCTAssertEqual(Digest.sha256Hex(object.body), Digest.sha256Hex(bytes), "the archived object is exactly the signed document")
        XCTAssertEqual(object.header("x-amz-meta-sha256"), Digest.sha256Hex(bytes))
    }
}
