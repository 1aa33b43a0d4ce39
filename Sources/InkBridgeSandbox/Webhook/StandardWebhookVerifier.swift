import Foundation
import InkBridgeCore

/// Signs and verifies Standard Webhooks v1 (HMAC-SHA256) signatures, as a receiver would.
///
/// The signed content is `"<webhook-id>.<webhook-timestamp>.<raw body>"`, the key is the
/// base64-decoded part of the secret after `whsec_`, and `webhook-signature` holds one or more
/// space-separated `v1,<base64 HMAC>` entries (several while a secret is rotated).
public struct StandardWebhookVerifier: Sendable {
    public enum Verdict: String, Sendable, Equatable {
        case valid
        /// `webhook-id`, `webhook-timestamp` or `webhook-signature` is absent.
        case missingHeaders
        /// `webhook-timestamp` is not integer Unix seconds.
        case malformedTimestamp
        /// The timestamp is further than the tolerance from now (a replay, or a wrong clock).
        case timestampOutOfTolerance
        /// No `v1` entry of the signature header matches.
        case signatureMismatch
    }

    public struct InvalidSecret: Error, Sendable, CustomStringConvertible {
        // The secret itself is never part of the message.
        public var description: String { "webhook secret is not whsec_ followed by base64" }
    }

    private let key: [UInt8]
    /// Seconds a timestamp may lie before or after now; the spec's example uses 5 minutes.
    public let tolerance: TimeInterval

    /// `secret` is `whsec_<base64>` (the prefix is optional, as in the reference libraries).
    public init(secret: String, tolerance: TimeInterval = 300) throws {
        let encoded = secret.hasPrefix("whsec_") ? String(secret.dropFirst("whsec_".count)) : secret
        guard let key = Data(base64Encoded: encoded), !key.isEmpty else { throw InvalidSecret() }
        self.key = Array(key)
        self.tolerance = tolerance
    }

    /// The raw HMAC-SHA256 over `id.timestamp.body`.
    public func signatureBytes(id: String, timestamp: String, body: [UInt8]) -> [UInt8] {
        Digest.hmacSHA256(key: key, message: Array("\(id).\(timestamp).".utf8) + body)
    }

    /// A `webhook-signature` value, `v1,<base64>`.
    public func sign(id: String, timestamp: String, body: [UInt8]) -> String {
        "v1," + Data(signatureBytes(id: id, timestamp: timestamp, body: body)).base64EncodedString()
    }

    /// Checks the three headers against `body` at time `now`.
    public func verify(id: String?, timestamp: String?, signatureHeader: String?, body: [UInt8], now: Date) -> Verdict {
        guard let id, let timestamp, let signatureHeader else { return .missingHeaders }
        guard let seconds = Int64(timestamp) else { return .malformedTimestamp }
        guard abs(now.timeIntervalSince1970 - Double(seconds)) <= tolerance else { return .timestampOutOfTolerance }
        // The encoded text is compared, as the reference libraries do: a signature with
        // different (non-canonical) base64 padding bits is not the signature that was sent.
        let expected = Array(Data(signatureBytes(id: id, timestamp: timestamp, body: body)).base64EncodedString().utf8)
        var matched = false
        for entry in signatureHeader.split(separator: " ", omittingEmptySubsequences: true) {
            guard let comma = entry.firstIndex(of: ","), entry[..<comma] == "v1" else { continue }
            // Every entry is compared (no early exit), each in constant time.
            if Digest.constantTimeEqual(Array(entry[entry.index(after: comma)...].utf8), expected) { matched = true }
        }
        return matched ? .valid : .signatureMismatch
    }

    /// Checks a request's `webhook-*` headers (names compared case-insensitively).
    public func verify(headers: [(name: String, value: String)], body: [UInt8], now: Date) -> Verdict {
        func value(_ name: String) -> String? { headers.first { $0.name.lowercased() == name }?.value }
        return verify(id: value("webhook-id"), timestamp: value("webhook-timestamp"),
                      signatureHeader: value("webhook-signature"), body: body, now: now)
    }
}
