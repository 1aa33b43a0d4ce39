import Foundation
import InkBridgeCore

/// A downloaded, verified document in a temporary file.
struct FetchedDocument: Sendable {
    let path: String
    let digest: FileDigest
    /// `contract.document.content_type`, else what the document server said.
    let contentType: String
}

/// Fetches `contract.document.url` into a temporary file (streamed, never whole
/// in memory, capped in size), hashes it, and checks the hash the event
/// declares. The temporary file is removed whatever happens.
struct DocumentFetcher: Sendable {
    let http: any HTTPTransport
    let network: NetworkPolicy
    let settings: DocumentSettings
    /// `secrets.document_token`, sent in `settings.document_auth_header`.
    let authToken: String?
    let temporaryDirectory: String
    let connectTimeout: Double
    let clock: any HubClock
    let redact: SecretRedactor

    /// Fetches and verifies the document, runs `body` with it, then deletes the file.
    func withDocument(of event: ContractEvent,
                      _ body: (FetchedDocument) async -> DeliveryOutcome) async -> DeliveryOutcome {
        guard let url = event[path: "contract.document.url"]?.stringValue, !url.isEmpty else {
            return .permanent("missing_document", "the event has no contract.document.url: nothing to archive")
        }
        let lower = url.lowercased()
        guard lower.hasPrefix("https://") || lower.hasPrefix("http://") else {
            return .permanent("invalid_url", "contract.document.url must be an http(s) URL")
        }
        let path = (temporaryDirectory as NSString).appendingPathComponent("inkbridge-document-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(atPath: path) }
        switch await fetch(url: url, to: path, event: event) {
        case .stop(let outcome): return outcome
        case .next(let document): return await body(document)
        }
    }

    private func fetch(url: String, to path: String, event: ContractEvent) async -> Step<FetchedDocument> {
        let shown = OutcomeRules.displayURL(url)
        var request = HTTPRequest(method: "GET", url: url, timeout: settings.transferTimeout,
                                  connectTimeout: connectTimeout, maxResponseBytes: Int(settings.maxDocumentBytes),
                                  guardAddresses: true, allowPrivate: network.allowPrivate)
        request.responseBodyFile = path
        if let name = settings.authHeaderName, let token = authToken { request.headers.append((name, token)) }
        let response: HTTPResponse
        do { response = try await http.send(request) } catch {
            var outcome = OutcomeRules.outcome(for: error, doing: "fetching the document GET \(shown)", redact: redact)
            if error.kind == .responseTooLarge {
                outcome.error = DeliveryError(code: "document_too_large",
                                              message: "the document at \(shown) is larger than max_document_mb (\(settings.maxDocumentBytes >> 20) MiB)")
            }
            return .stop(outcome)
        }
        guard (200...299).contains(response.status) else {
            let excerpt = redact.excerpt(Self.head(of: path))
            let message = "fetching the document: GET \(shown) answered HTTP \(response.status)"
            if OutcomeRules.isRetryable(status: response.status) {
                return .stop(.retry("http_status", message, notBefore: OutcomeRules.retryAfter(response, now: clock.now()),
                                       httpStatus: response.status, excerpt: excerpt))
            }
            return .stop(.permanent("http_status", message, httpStatus: response.status, excerpt: excerpt))
        }
        let digest: FileDigest
        do { digest = try await BlockingIO.run { Result { try FileDigest.compute(path: path) } }.get() } catch {
            return .stop(.retry("io", "hashing the downloaded document: \(error)"))
        }
        if digest.size > settings.maxDocumentBytes {
            return .stop(.permanent("document_too_large", "the document at \(shown) is larger than max_document_mb (\(settings.maxDocumentBytes >> 20) MiB)"))
        }
        if digest.size == 0 {
            return .stop(.permanent("empty_document", "GET \(shown) answered an empty document: nothing archived", httpStatus: response.status))
        }
        if let declared = event[path: "contract.document.sha256"]?.stringValue {
            guard let expected = FileDigest.bytes(fromHex: declared) else {
                return .stop(.permanent("hash_mismatch", "contract.document.sha256 is not 64 hexadecimal characters: nothing archived"))
            }
            if expected != digest.sha256 {
                return .stop(.permanent("hash_mismatch",
                                           "the document at \(shown) has SHA-256 \(digest.hex) but the event declares \(Digest.hex(expected)): nothing archived",
                                           httpStatus: response.status))
            }
        }
        let contentType = event[path: "contract.document.content_type"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
            ?? response.header("Content-Type") ?? "application/octet-stream"
        return .next(FetchedDocument(path: path, digest: digest, contentType: contentType))
    }

    /// The first bytes of a downloaded error page, for the attempt's excerpt.
    static func head(of path: String, limit: Int = Excerpt.limit) -> [UInt8] {
        guard let handle = FileHandle(forReadingAtPath: path) else { return [] }
        defer { try? handle.close() }
        return (try? handle.read(upToCount: limit)).map { Array($0) } ?? []
    }
}
