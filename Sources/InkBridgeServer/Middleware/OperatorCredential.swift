import InkBridgeCore

/// The operator token (`INKBRIDGE_OPERATOR_TOKEN`), kept only as its SHA-256
/// digest and compared in constant time, so neither its value nor how much of
/// a guess matched leaks.
public struct OperatorCredential: Sendable {
    private let digest: [UInt8]

    /// nil when no token is configured (or it is empty): then no request is an operator.
    public init?(token: String?) {
        guard let token, !token.isEmpty else { return nil }
        digest = Digest.sha256(Array(token.utf8))
    }

    public func matches(_ presented: String) -> Bool {
        Digest.constantTimeEqual(Digest.sha256(Array(presented.utf8)), digest)
    }
}

/// `Authorization: Bearer <token>` (RFC 6750; the scheme is case-insensitive).
enum BearerToken {
    /// The token of `Bearer <token>` (scheme in any case, blanks around it ignored), on the
    /// header's UTF-8 bytes: this runs for every API request.
    static func parse(_ header: String?) -> String? {
        guard var header else { return nil }
        return header.withUTF8 { bytes -> String? in
            func isBlank(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 }
            var start = 0, end = bytes.count
            while start < end, isBlank(bytes[start]) { start += 1 }
            let scheme = Array("bearer ".utf8)
            guard end - start > scheme.count else { return nil }
            for (i, expected) in scheme.enumerated() {
                let b = bytes[start + i]
                guard b == expected || (b >= 0x41 && b <= 0x5A && b | 0x20 == expected) else { return nil }
            }
            start += scheme.count
            while start < end, isBlank(bytes[start]) { start += 1 }
            while end > start, isBlank(bytes[end - 1]) { end -= 1 }
            return start < end ? String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self) : nil
        }
    }
}
