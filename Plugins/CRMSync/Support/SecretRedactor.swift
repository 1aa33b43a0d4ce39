import InkBridgeCore

/// Removes secret values (client secret, refresh token, access tokens) from
/// text recorded with an attempt: response excerpts and error messages that
/// quote a response.
struct SecretRedactor: Sendable {
    static let mask = "[redacted]"

    private let secrets: [String]

    /// Values shorter than 4 characters are not masked (as `Excerpt` does):
    /// they would shred every text and cannot be meaningful credentials.
    init(_ secrets: [String]) {
        self.secrets = secrets.filter { $0.count >= 4 }.sorted { $0.count > $1.count }
    }

    /// `text` with every configured secret and each of `extra` (tokens issued at run time) masked.
    func redact(_ text: String, extra: [String] = []) -> String {
        var out = text
        for s in secrets + extra.filter({ $0.count >= 4 }) where out.contains(s) {
            out = out.replacingOccurrences(of: s, with: Self.mask)
        }
        return out
    }

    /// The first 2 KiB of a response body, redacted (the core's `Excerpt`). Nil when empty.
    func excerpt(_ body: [UInt8], extra: [String] = []) -> String? {
        Excerpt.make(body, redacting: secrets + extra)
    }
}
