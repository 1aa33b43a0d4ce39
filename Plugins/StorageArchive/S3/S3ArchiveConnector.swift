import Foundation
import InkBridgeCore

/// Archives one executed document as an S3 object. Nothing is ever
/// overwritten: the PUT (or CompleteMultipartUpload) carries `If-None-Match: *`;
/// when the key exists, a HEAD compares `x-amz-meta-sha256`: the same document
/// is a success that writes nothing, another one a permanent `conflict`.
struct S3ArchiveConnector: Connector {
    let settings: S3Settings
    let client: S3Client
    let fetcher: DocumentFetcher
    let clock: any HubClock
    let redact: SecretRedactor

    init(settings: S3Settings, credentials: SigV4Signer.Credentials, secrets: ResolvedSecrets, context: ConnectorContext) {
        self.settings = settings
        clock = context.clock
        redact = SecretRedactor(secrets.allValues)
        let connectTimeout = min(context.timeout, 10)
        client = S3Client(http: context.http, signer: SigV4Signer(credentials: credentials, region: settings.region, service: "s3"),
                          bucket: settings.bucket, endpoint: settings.endpoint, pathStyle: settings.pathStyle,
                          network: context.network, timeout: context.timeout, connectTimeout: connectTimeout, clock: context.clock)
        fetcher = DocumentFetcher(http: context.http, network: context.network, settings: settings.document,
                                  authToken: secrets["document_token"], temporaryDirectory: context.temporaryDirectory,
                                  connectTimeout: connectTimeout, clock: context.clock, redact: redact)
    }

    func deliver(_ delivery: Delivery) async -> DeliveryOutcome {
        let key: String
        switch settings.document.key.render(tenant: delivery.tenantID, event: delivery.event) {
        case .failure(let e): return .permanent("invalid_key", e.message)
        case .success(let k): key = k
        }
        return await fetcher.withDocument(of: delivery.event) { document in
            let record = ArchiveRecord(delivery: delivery, key: key, document: document, archivedAt: clock.now())
            if document.digest.size > settings.multipartThreshold {
                return await S3MultipartUpload(connector: self, document: document, record: record).run()
            }
            return await putObject(document, record: record)
        }
    }

    /// Headers every new object carries: type, metadata, retention, encryption.
    func objectHeaders(_ document: FetchedDocument, record: ArchiveRecord) -> [(name: String, value: String)] {
        var headers: [(name: String, value: String)] = [("Content-Type", document.contentType)]
        headers.append(contentsOf: record.s3Metadata)
        if let lock = settings.objectLock {
            let until = clock.now().addingTimeInterval(Double(lock.retentionDays) * 86400)
            headers.append(("x-amz-object-lock-mode", lock.mode))
            headers.append(("x-amz-object-lock-retain-until-date", RFC3339.format(until)))
        }
        if let sse = settings.sse {
            headers.append(("x-amz-server-side-encryption", sse))
            if let kms = settings.sseKMSKeyID { headers.append(("x-amz-server-side-encryption-aws-kms-key-id", kms)) }
        }
        return headers
    }

    func putObject(_ document: FetchedDocument, record: ArchiveRecord) async -> DeliveryOutcome {
        var call = S3Client.Call(method: "PUT", key: record.key)
        call.headers = objectHeaders(document, record: record) + [
            ("x-amz-sdk-checksum-algorithm", "SHA256"),
            ("x-amz-checksum-sha256", document.digest.base64),
            ("If-None-Match", "*"),
        ]
        call.bodyFile = document.path
        // The payload hash is signed: S3 recomputes it and refuses a body changed on the way.
        call.payloadHash = document.digest.hex
        call.timeout = settings.document.transferTimeout
        let operation = "PUT \(client.describe(record.key))"
        let response: HTTPResponse
        do { response = try await client.send(call) } catch {
            return OutcomeRules.outcome(for: error, doing: operation, redact: redact)
        }
        switch response.status {
        case 200...299:
            return .success(httpStatus: response.status, detail: archivedDetail(record, response))
        case 412:
            return await compareExisting(record: record, document: document)
        default:
            return S3Outcome.failure(response, operation: operation, now: clock.now(), redact: redact)
        }
    }

    /// What a HEAD of the key tells: nothing there, or the outcome it decides.
    enum Existing {
        case absent
        case decided(DeliveryOutcome)
    }

    /// The write was refused because the key exists (412): compare with it.
    func compareExisting(record: ArchiveRecord, document: FetchedDocument) async -> DeliveryOutcome {
        switch await checkExisting(record: record, document: document) {
        case .decided(let outcome): return outcome
        case .absent:
            // Existed a moment ago and is gone now: try again from the start.
            return .retry("http_status", "\(client.describe(record.key)) refused the write as existing, then was not found: retrying", httpStatus: 404)
        }
    }

    /// HEAD the key: the same document is a success that writes nothing, another one a conflict.
    func checkExisting(record: ArchiveRecord, document: FetchedDocument) async -> Existing {
        var call = S3Client.Call(method: "HEAD", key: record.key)
        call.headers = [("x-amz-checksum-mode", "ENABLED")]
        let operation = "HEAD \(client.describe(record.key))"
        let response: HTTPResponse
        do { response = try await client.send(call) } catch {
            return .decided(OutcomeRules.outcome(for: error, doing: operation, redact: redact))
        }
        switch response.status {
        case 200:
            let storedHex = response.header("x-amz-meta-sha256")?.lowercased()
            if storedHex == record.sha256Hex {
                return .decided(.success(httpStatus: 200, detail: "\(client.describe(record.key)) already holds this document (sha256 \(record.sha256Hex)): nothing written"))
            }
            if storedHex == nil, let checksum = response.header("x-amz-checksum-sha256"), checksum == document.digest.base64 {
                return .decided(.success(httpStatus: 200, detail: "\(client.describe(record.key)) already holds this document (x-amz-checksum-sha256): nothing written"))
            }
            let existing = storedHex ?? "unknown (the object has no x-amz-meta-sha256)"
            return .decided(.permanent("conflict", "\(client.describe(record.key)) already exists with SHA-256 \(existing); this document has SHA-256 \(record.sha256Hex); the existing object is kept",
                                       httpStatus: response.status))
        case 404:
            return .absent
        default:
            return .decided(S3Outcome.failure(response, operation: operation, now: clock.now(), redact: redact))
        }
    }

    func archivedDetail(_ record: ArchiveRecord, _ response: HTTPResponse) -> String {
        var detail = "archived \(record.size) bytes at \(client.describe(record.key)) (sha256 \(record.sha256Hex))"
        if let version = response.header("x-amz-version-id"), version != "null" { detail += ", version \(version)" }
        return detail
    }
}
