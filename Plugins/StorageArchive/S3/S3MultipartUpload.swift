import Foundation
import InkBridgeCore

/// One multipart upload of a large document: Create (with SHA256 as the
/// checksum algorithm), UploadPart per file range with its own checksum,
/// Complete with `If-None-Match: *`; Abort on any failure so no parts linger.
/// Each part is streamed from the downloaded file, never read whole.
struct S3MultipartUpload {
    struct Part: Equatable {
        let number: Int
        let etag: String
        let checksumBase64: String
    }

    let connector: S3ArchiveConnector
    let document: FetchedDocument
    let record: ArchiveRecord

    var client: S3Client { connector.client }
    var redact: SecretRedactor { connector.redact }

    /// S3 allows at most 10,000 parts; parts other than the last are at least 5 MiB.
    static let maxParts: Int64 = 10_000

    /// Byte ranges of the parts: `partSize` each, grown (in whole MiB) when the
    /// file would need more than 10,000 parts.
    static func partRanges(size: Int64, partSize: Int64) -> [Range<Int64>] {
        var part = max(partSize, 5 << 20)
        let needed = (size + maxParts - 1) / maxParts
        let mebibyte: Int64 = 1 << 20
        if needed > part { part = (needed + mebibyte - 1) / mebibyte * mebibyte }
        var ranges: [Range<Int64>] = []
        var offset: Int64 = 0
        while offset < size {
            let end = min(offset + part, size)
            ranges.append(offset..<end)
            offset = end
        }
        return ranges
    }

    func run() async -> DeliveryOutcome {
        // Look first: a replay of a large archive must not upload it all again to learn it exists.
        if case .decided(let outcome) = await connector.checkExisting(record: record, document: document) { return outcome }

        let uploadID: String
        switch await create() {
        case .stop(let outcome): return outcome
        case .next(let id): uploadID = id
        }
        var parts: [Part] = []
        for (index, range) in Self.partRanges(size: document.digest.size, partSize: connector.settings.partSize).enumerated() {
            switch await uploadPart(number: index + 1, range: range, uploadID: uploadID) {
            case .stop(let outcome):
                await abort(uploadID)
                return outcome
            case .next(let part): parts.append(part)
            }
        }
        return await complete(uploadID: uploadID, parts: parts)
    }

    func create() async -> Step<String> {
        var call = S3Client.Call(method: "POST", key: record.key)
        call.query = [("uploads", "")]
        call.headers = connector.objectHeaders(document, record: record) + [("x-amz-checksum-algorithm", "SHA256")]
        call.body = []
        let operation = "CreateMultipartUpload \(client.describe(record.key))"
        let response: HTTPResponse
        do { response = try await client.send(call) } catch {
            return .stop(OutcomeRules.outcome(for: error, doing: operation, redact: redact))
        }
        guard (200...299).contains(response.status) else {
            return .stop(S3Outcome.failure(response, operation: operation, now: connector.clock.now(), redact: redact))
        }
        guard let root = S3XMLElement.parse(response.body), root.name == "InitiateMultipartUploadResult",
              let id = root.childText("UploadId"), !id.isEmpty else {
            return .stop(.retry("invalid_response", "\(operation) answered \(response.status) without an UploadId",
                                   httpStatus: response.status, excerpt: redact.excerpt(response.body)))
        }
        return .next(id)
    }

    func uploadPart(number: Int, range: Range<Int64>, uploadID: String) async -> Step<Part> {
        let path = document.path
        let digest: FileDigest
        do { digest = try await BlockingIO.run { Result { try FileDigest.compute(path: path, range: range) } }.get() } catch {
            return .stop(.retry("io", "hashing part \(number) of the document: \(error)"))
        }
        var call = S3Client.Call(method: "PUT", key: record.key)
        call.query = [("partNumber", String(number)), ("uploadId", uploadID)]
        call.headers = [("x-amz-sdk-checksum-algorithm", "SHA256"), ("x-amz-checksum-sha256", digest.base64)]
        call.bodyFile = path
        call.bodyFileRange = range
        call.payloadHash = digest.hex
        call.timeout = connector.settings.document.transferTimeout
        let operation = "UploadPart \(number) of \(client.describe(record.key))"
        let response: HTTPResponse
        do { response = try await client.send(call) } catch {
            return .stop(OutcomeRules.outcome(for: error, doing: operation, redact: redact))
        }
        guard (200...299).contains(response.status) else {
            return .stop(S3Outcome.failure(response, operation: operation, now: connector.clock.now(), redact: redact))
        }
        guard let etag = response.header("ETag"), !etag.isEmpty else {
            return .stop(.retry("invalid_response", "\(operation) answered \(response.status) without an ETag", httpStatus: response.status))
        }
        return .next(Part(number: number, etag: etag, checksumBase64: digest.base64))
    }

    static func completeBody(_ parts: [Part]) -> [UInt8] {
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
        for part in parts {
            xml += "<Part><PartNumber>\(part.number)</PartNumber><ETag>\(S3XMLElement.escape(part.etag))</ETag>"
            xml += "<ChecksumSHA256>\(part.checksumBase64)</ChecksumSHA256></Part>"
        }
        xml += "</CompleteMultipartUpload>"
        return Array(xml.utf8)
    }

    func complete(uploadID: String, parts: [Part]) async -> DeliveryOutcome {
        let body = Self.completeBody(parts)
        var call = S3Client.Call(method: "POST", key: record.key)
        call.query = [("uploadId", uploadID)]
        call.headers = [("Content-Type", "application/xml"), ("If-None-Match", "*")]
        call.body = body
        call.payloadHash = Digest.sha256Hex(body)
        // S3 may take a while to assemble a large object before it answers.
        call.timeout = connector.settings.document.transferTimeout
        let operation = "CompleteMultipartUpload \(client.describe(record.key))"
        let response: HTTPResponse
        do { response = try await client.send(call) } catch {
            await abort(uploadID)
            return OutcomeRules.outcome(for: error, doing: operation, redact: redact)
        }
        if response.status == 412 {
            // Someone stored the key while we uploaded: ours is dropped, theirs compared.
            await abort(uploadID)
            return await connector.compareExisting(record: record, document: document)
        }
        // S3 can answer 200 and still fail: the error then arrives in the body.
        let root = S3XMLElement.parse(response.body)
        guard (200...299).contains(response.status), root?.name == "CompleteMultipartUploadResult" else {
            await abort(uploadID)
            var failed = response
            if (200...299).contains(failed.status) { failed.status = 500 }
            return S3Outcome.failure(failed, operation: operation, now: connector.clock.now(), redact: redact)
        }
        var detail = "archived \(record.size) bytes in \(parts.count) parts at \(client.describe(record.key)) (sha256 \(record.sha256Hex))"
        if let version = response.header("x-amz-version-id"), version != "null" { detail += ", version \(version)" }
        return .success(httpStatus: response.status, detail: detail)
    }

    /// Best effort: a failed abort leaves parts that a bucket lifecycle rule cleans up.
    func abort(_ uploadID: String) async {
        var call = S3Client.Call(method: "DELETE", key: record.key)
        call.query = [("uploadId", uploadID)]
        _ = try? await client.send(call)
    }
}
