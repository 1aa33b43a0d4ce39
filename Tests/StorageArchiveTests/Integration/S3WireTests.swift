import Foundation
import InkBridgeCore
import InkBridgeSandbox
@testable import StorageArchive
import XCTest

/// What storage.s3 puts on the wire, and how it takes S3 throttling: against
/// a local endpoint that answers 503 SlowDown to everything (moto 5 cannot
/// inject faults), and the document fetch rules against the document server.
final class S3WireTests: XCTestCase {
    var documents: DocumentServer!
    var transport: CurlTransport!
    var temporary: String!
    let clock = FixedClock(date: Date(timeIntervalSince1970: 1_795_000_000))

    override func setUp() async throws {
        documents = try DocumentServer(requiredHeader: ("X-Document-Token", "doc-token-123"))
        transport = CurlTransport()
        temporary = try makeTemporaryDirectory(self, "s3-wire")
    }

    override func tearDown() async throws {
        documents?.stop()
        transport?.shutdown()
        if let temporary { XCTAssertEqual(contents(of: temporary), [], "temporary downloads left behind") }
    }

    func connector(endpoint: String, extra: [String: JSON] = [:]) throws -> any Connector {
        var settings = JSONObject([("bucket", "archive"), ("region", "eu-central-1"), ("endpoint", .string(endpoint)),
                                   ("path_style", true), ("document_auth_header", "X-Document-Token")])
        for (k, v) in extra.sorted(by: { $0.key < $1.key }) { settings[k] = v }
        let secrets = ResolvedSecrets(["access_key_id": "AKIAWIRETEST00000000", "secret_access_key": "wire-secret",
                                       "document_token": "doc-token-123"])
        let config = Fixtures.config(type: "storage.s3", settings: .object(settings),
                                     secrets: ["access_key_id": .env("K"), "secret_access_key": .env("S"), "document_token": .env("D")])
        let context = ConnectorContext(http: transport, network: NetworkPolicy(allowPrivate: true), timeout: 30, tenantID: "acme",
                                       connectorID: "archive", temporaryDirectory: temporary, clock: clock)
        return try S3ArchivePlugin().makeConnector(config, secrets: secrets, context: context)
    }

    func event(_ bytes: [UInt8], path: String = "/ctr_42/executed.pdf") -> ContractEvent {
        let url = documents.put(path, bytes)
        return Fixtures.event(id: "evt_wire", document: ["url": .string(url), "sha256": .string(Digest.sha256Hex(bytes)),
                                                         "filename": "executed.pdf"])
    }

    func testSlowDownIsRetriedAfterRetryAfterAndThePutCarriesEveryHeader() async throws {
        let s3 = try S3FaultServer(fault: .slowDown)
        defer { s3.stop() }
        let bytes = documentBytes(5000, seed: 11)
        let archive = try connector(endpoint: s3.endpoint, extra: ["object_lock": ["mode": "GOVERNANCE", "retention_days": 30]])
        let outcome = await archive.deliver(Fixtures.delivery(event(bytes)))
        XCTAssertEqual(outcome.kind, .retry(notBefore: clock.date.addingTimeInterval(2)))
        XCTAssertEqual(outcome.error?.code, "SlowDown")
        XCTAssertEqual(outcome.httpStatus, 503)

        // The document was fetched with the configured auth header.
        XCTAssertEqual(documents.requests.first?.header("X-Document-Token"), "doc-token-123")
        let put = try XCTUnwrap(s3.requests.first)
        XCTAssertEqual(s3.requests.count, 1)
        XCTAssertEqual(put.method, "PUT")
        XCTAssertEqual(put.path, "/archive/acme/cust_9/2026/ctr_42/executed.pdf")
        XCTAssertEqual(put.body.count, bytes.count)
        func header(_ name: String) -> String? { put.headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value }
        XCTAssertEqual(header("x-amz-content-sha256"), Digest.sha256Hex(bytes))
        XCTAssertEqual(header("x-amz-checksum-sha256"), Data(Digest.sha256(bytes)).base64EncodedString())
        XCTAssertEqual(header("x-amz-sdk-checksum-algorithm"), "SHA256")
        XCTAssertEqual(header("If-None-Match"), "*")
        XCTAssertEqual(header("x-amz-meta-sha256"), Digest.sha256Hex(bytes))
        XCTAssertEqual(header("x-amz-meta-event-id"), "evt_wire")
        XCTAssertEqual(header("x-amz-object-lock-mode"), "GOVERNANCE")
        XCTAssertEqual(header("x-amz-object-lock-retain-until-date"), RFC3339.format(clock.date.addingTimeInterval(30 * 86400)))
        let authorization = try XCTUnwrap(header("Authorization"))
        XCTAssertTrue(authorization.hasPrefix("AWS4-HMAC-SHA256 Credential=AKIAWIRETEST00000000/20261118/eu-central-1/s3/aws4_request,"), authorization)
        // Everything S3 interprets is signed.
        for signed in ["host", "if-none-match", "x-amz-checksum-sha256", "x-amz-content-sha256", "x-amz-date",
                       "x-amz-meta-sha256", "x-amz-object-lock-mode", "x-amz-object-lock-retain-until-date", "x-amz-sdk-checksum-algorithm"] {
            XCTAssertTrue(authorization.contains(signed), "\(signed) is not signed: \(authorization)")
        }
        XCTAssertFalse(authorization.contains("wire-secret"))
    }

    func testDocumentFetchFailuresFollowTheRetryRules() async throws {
        let s3 = try S3FaultServer(fault: .slowDown)
        defer { s3.stop() }
        let archive = try connector(endpoint: s3.endpoint)

        let missing = await archive.deliver(Fixtures.delivery(Fixtures.event(document: ["url": .string(documents.baseURL + "/nothing.pdf")])))
        XCTAssertEqual(missing.kind, .permanent)
        XCTAssertEqual(missing.error?.code, "http_status")
        XCTAssertEqual(missing.httpStatus, 404)

        documents.failNext(503)
        let unavailable = await archive.deliver(Fixtures.delivery(event(documentBytes(100, seed: 12))))
        XCTAssertEqual(unavailable.kind, .retry(notBefore: nil))
        XCTAssertEqual(unavailable.httpStatus, 503)

        let noURL = await archive.deliver(Fixtures.delivery(Fixtures.event()))
        XCTAssertEqual(noURL.kind, .permanent)
        XCTAssertEqual(noURL.error?.code, "missing_document")
        XCTAssertTrue(s3.requests.isEmpty, "S3 was called although no document was fetched")
    }

    func testDocumentOverTheSizeCapIsPermanent() async throws {
        let s3 = try S3FaultServer(fault: .slowDown)
        defer { s3.stop() }
        let archive = try connector(endpoint: s3.endpoint, extra: ["max_document_mb": 1])
        let outcome = await archive.deliver(Fixtures.delivery(event(documentBytes((1 << 20) + 1, seed: 13))))
        XCTAssertEqual(outcome.kind, .permanent)
        XCTAssertEqual(outcome.error?.code, "document_too_large")
        XCTAssertTrue(s3.requests.isEmpty)
    }

    func testPrivateDocumentAddressesAreRefusedUnlessAllowed() async throws {
        let settings: JSON = ["bucket": "archive", "region": "eu-central-1", "endpoint": "http://127.0.0.1:9", "path_style": true]
        let config = Fixtures.config(type: "storage.s3", settings: settings,
                                     secrets: ["access_key_id": .env("K"), "secret_access_key": .env("S")])
        let context = ConnectorContext(http: transport, network: NetworkPolicy(allowPrivate: false), timeout: 30, tenantID: "acme",
                                       connectorID: "archive", temporaryDirectory: temporary, clock: clock)
        let archive = try S3ArchivePlugin().makeConnector(config, secrets: ResolvedSecrets(["access_key_id": "AKIAX", "secret_access_key": "y"]),
                                                          context: context)
        let outcome = await archive.deliver(Fixtures.delivery(event(documentBytes(100, seed: 14))))
        XCTAssertEqual(outcome.kind, .permanent)
        XCTAssertEqual(outcome.error?.code, "blocked_address")
    }
}
