import Foundation
import InkBridgeCore
import MicroHTTP

/// The checks of a `POST /v1/events` body, in the order a client meets them:
/// media type (415), size (413), JSON syntax and event validation (400).
/// Nothing of a rejected request is stored: validation runs before ingest.
enum IngestRequest {
    /// SPEC section 7: 1 MiB per event, 5 MiB per batch (the server refuses bigger bodies while reading).
    static let maxEventBytes = 1 << 20
    static let maxBatchBytes = 5 << 20

    static func checkContentType(_ request: HTTPServerRequest) throws(APIError) {
        guard let value = request.header("Content-Type") else {
            throw APIError(415, "unsupported_media_type", "Content-Type must be application/json")
        }
        // Most clients send exactly this.
        if value == "application/json" { return }
        // The media type before any parameter, without surrounding blanks, in any case (RFC 9110 8.3.1).
        let bytes = value.utf8.prefix { $0 != UInt8(ascii: ";") }
        let blank: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x09 }
        let mediaType = bytes.drop(while: blank).reversed().drop(while: blank).reversed()
        guard HTTPServerRequest.asciiCaseInsensitiveEqual(String(decoding: mediaType, as: UTF8.self), "application/json") else {
            throw APIError(415, "unsupported_media_type", "Content-Type must be application/json, not \(JSON.quoted(value))")
        }
    }

    static func events(from body: [UInt8]) throws(APIError) -> [ContractEvent] {
        guard let first = body.first(where: { !isBlank($0) }) else {
            throw APIError.badRequest("invalid_json", "the request body is empty: send one event object or an array of them")
        }
        if body.count > maxBatchBytes {
            throw APIError(413, "payload_too_large", "a request body is at most \(maxBatchBytes) bytes")
        }
        // One object over the per-event cap is refused before parsing it.
        if first == UInt8(ascii: "{"), body.count > maxEventBytes {
            throw APIError(413, "payload_too_large", "an event is at most \(maxEventBytes) bytes")
        }
        let events: [ContractEvent]
        switch EventValidator.parseBody(body) {
        case .success(let e): events = e
        case .failure(let failure): throw classify(failure)
        }
        if events.count > 1 || first == UInt8(ascii: "[") {
            for (i, e) in events.enumerated() where e.raw.count > maxEventBytes {
                throw APIError(413, "payload_too_large", "[\(i)]: an event is at most \(maxEventBytes) bytes", field: "[\(i)]")
            }
        }
        return events
    }

    /// `EventValidator.parseBody` reports a syntax error as one issue without a path
    /// whose message is the parser's ("invalid JSON at byte N: ..."); everything else
    /// is a validation problem of the event(s).
    static func classify(_ failure: ValidationError) -> APIError {
        if failure.issues.count == 1, let only = failure.issues.first, only.path.isEmpty, only.message.hasPrefix("invalid JSON") {
            return APIError.badRequest("invalid_json", only.message)
        }
        return APIError.invalid("invalid_event", failure.issues)
    }

    static func isBlank(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D }
}
