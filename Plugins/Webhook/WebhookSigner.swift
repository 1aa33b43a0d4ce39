import Foundation
import InkBridgeCore

/// Standard Webhooks v1 symmetric signatures: HMAC-SHA256 over
/// `{webhook-id}.{webhook-timestamp}.{body}` with the base64-decoded part of a
/// `whsec_` secret, sent as `v1,<base64>`.
public struct WebhookSigner: Sendable {
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public let message: String
        public var description: String { message }
    }

    let key: [UInt8]
    /// The key set up once for OpenSSL (nil only for an empty key: then the one-shot HMAC).
    let prepared: HMACKey?

    public init(key: [UInt8]) {
        self.key = key
        prepared = HMACKey(key)
    }

    public init(secret: String) throws(Failure) {
        self.init(key: try Self.decodeSecret(secret).get())
    }

    public static func decodeSecret(_ secret: String) -> Result<[UInt8], Failure> {
        guard secret.hasPrefix("whsec_") else { return .failure(Failure(message: "must start with whsec_ (Standard Webhooks secret format)")) }
        guard let data = Data(base64Encoded: String(secret.dropFirst(6))) else { return .failure(Failure(message: "the part after whsec_ must be base64")) }
        guard (24...64).contains(data.count) else { return .failure(Failure(message: "must decode to 24 to 64 bytes, not \(data.count)")) }
        return .success(Array(data))
    }

    /// The `webhook-signature` header value.
    public func signature(id: String, timestamp: Int, body: [UInt8]) -> String {
        let prefix = Array("\(id).\(timestamp).".utf8)
        let mac = prepared?.mac(prefix, body) ?? Digest.hmacSHA256(key: key, message: prefix + body)
        return "v1," + Data(mac).base64EncodedString()
    }
}
