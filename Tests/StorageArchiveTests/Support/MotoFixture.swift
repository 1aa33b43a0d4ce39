import Foundation
import InkBridgeCore
import InkBridgeSandbox
@testable import StorageArchive
import XCTest

/// moto's S3 with signature checking on: an IAM user whose key may do
/// everything on S3, a plain bucket and one with object lock, then moto's
/// authentication switched on, so every later request must be signed right.
final class MotoFixture {
    static let region = "us-east-1"
    static let plainBucket = "inkbridge-archive"
    static let lockedBucket = "inkbridge-archive-locked"

    let server: MotoServer
    let transport: CurlTransport
    let accessKeyID: String
    let secretAccessKey: String

    /// Skips (with the command to run) only when the venv is absent.
    static func start() async throws -> MotoFixture {
        guard let executable = MotoServer.locate() else {
            throw XCTSkip("moto is not installed: run `scripts/moto.sh` (make test does) to create .venv/ with moto_server")
        }
        let server = try MotoServer(executable: executable)
        let transport = CurlTransport()
        do {
            return try await MotoFixture(server: server, transport: transport)
        } catch {
            server.stop()
            transport.shutdown()
            throw error
        }
    }

    private init(server: MotoServer, transport: CurlTransport) async throws {
        self.server = server
        self.transport = transport
        // Before authentication is on, any key passes: create the real one.
        let bootstrap = SigV4Signer.Credentials(accessKeyID: "AKIABOOTSTRAP0000000", secretAccessKey: "bootstrap", sessionToken: nil)
        _ = try await Self.iam(server, transport, bootstrap, ["Action": "CreateUser", "UserName": "archiver"])
        let created = try await Self.iam(server, transport, bootstrap, ["Action": "CreateAccessKey", "UserName": "archiver"])
        let key = try XCTUnwrap(created.child("CreateAccessKeyResult")?.child("AccessKey"), "CreateAccessKey answered no key")
        accessKeyID = try XCTUnwrap(key.childText("AccessKeyId"))
        secretAccessKey = try XCTUnwrap(key.childText("SecretAccessKey"))
        let policy = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#
        _ = try await Self.iam(server, transport, bootstrap,
                         ["Action": "PutUserPolicy", "UserName": "archiver", "PolicyName": "archive", "PolicyDocument": policy])

        try await createBucket(Self.plainBucket, objectLock: false)
        try await createBucket(Self.lockedBucket, objectLock: true)
        // From here on moto checks every signature against the IAM user's secret.
        let reset = try await transport.send(HTTPRequest(method: "POST", url: "\(server.endpoint)/moto-api/reset-auth",
                                                         body: Array("0".utf8), guardAddresses: false))
        XCTAssertEqual(reset.status, 200, reset.bodyText)
    }

    func stop() {
        server.stop()
        transport.shutdown()
    }

    /// A client for checking what reached S3, with the fixture's valid key.
    func client(bucket: String) -> S3Client {
        let signer = SigV4Signer(credentials: .init(accessKeyID: accessKeyID, secretAccessKey: secretAccessKey, sessionToken: nil),
                                 region: Self.region, service: "s3")
        return S3Client(http: transport, signer: signer, bucket: bucket, endpoint: try! S3Endpoint.parse(server.endpoint).get(),
                        pathStyle: true, network: NetworkPolicy(allowPrivate: true), timeout: 60, connectTimeout: 10, clock: SystemClock())
    }

    func createBucket(_ name: String, objectLock: Bool) async throws {
        var call = S3Client.Call(method: "PUT", key: nil)
        if objectLock { call.headers = [("x-amz-bucket-object-lock-enabled", "true")] }
        let client = client(bucket: name)
        let response = try await client.send(call)
        XCTAssertEqual(response.status, 200, "CreateBucket \(name): \(response.bodyText)")
    }

    /// One IAM Query API call (form-encoded POST, signed for service `iam`).
    static func iam(_ server: MotoServer, _ transport: CurlTransport, _ credentials: SigV4Signer.Credentials,
                    _ parameters: [String: String]) async throws -> S3XMLElement {
        var fields = parameters
        fields["Version"] = "2010-05-08"
        let body = Array(fields.sorted { $0.key < $1.key }
            .map { "\(AWSURIEncoding.encode($0.key, keepSlash: false))=\(AWSURIEncoding.encode($0.value, keepSlash: false))" }
            .joined(separator: "&").utf8)
        let host = "127.0.0.1:\(server.port)"
        let amzDate = SigV4Signer.amzDate(Date())
        let hash = Digest.sha256Hex(body)
        var headers: [(name: String, value: String)] = [("Host", host), ("Content-Type", "application/x-www-form-urlencoded"),
                                                        ("x-amz-date", amzDate), ("x-amz-content-sha256", hash)]
        let signature = SigV4Signer(credentials: credentials, region: region, service: "iam")
            .sign(method: "POST", path: "/", query: [], headers: headers, payloadHash: hash, amzDate: amzDate)
        headers.append(("Authorization", signature.authorization))
        let request = HTTPRequest(method: "POST", url: "\(server.endpoint)/", headers: headers, body: body, guardAddresses: false)
        let response = try await transport.send(request)
        guard response.status == 200, let xml = S3XMLElement.parse(response.body) else {
            throw MotoServerSetupError(description: "IAM \(parameters["Action"] ?? ""): HTTP \(response.status) \(response.bodyText)")
        }
        return xml
    }
}

struct MotoServerSetupError: Error, CustomStringConvertible {
    let description: String
}
