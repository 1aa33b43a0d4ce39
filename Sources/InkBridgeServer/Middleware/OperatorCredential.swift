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
    static func parse(_ header: String?) -> String? {
        guard let header else { return nil }
        let trimmed = header.drop { $0 == " " || $0 == "\t" }
        guard trimmed.count > 7, trimmed.prefix(7).lowercased() == "bearer " else { return nil }
        let token = trimmed.dropFirst(7).trimmingBlanks
        return token.isEmpty ? nil : String(token)
    }
}

private extension Substring {
    var trimmingBlanks: Substring {
        var s = self
        while let f = s.first, f == " " || f == "\t" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" { s.removeLast() }
        return s
    }
}
