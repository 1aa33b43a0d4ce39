/// Removes secret values (client secret, tokens) from text that is recorded
/// with an attempt: response excerpts and error messages quoting a response.
struct SecretRedactor: Sendable {
    static let maxExcerptBytes = 2048
    static let mask = "[REDACTED]"

    private let secrets: [String]

    /// Values shorter than 4 characters are not masked: they would shred every
    /// excerpt and cannot be meaningful credentials.
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

    /// The first 2 KiB of a response body, redacted *before* it is cut so a
    /// secret straddling the cut cannot leak its first half. Nil when empty.
    func excerpt(_ body: [UInt8], extra: [String] = []) -> String? {
        guard !body.isEmpty else { return nil }
        // Redact a window a little larger than the excerpt: a secret cannot be
        // longer than the slack, and the whole body may be up to 1 MiB.
        let window = String(decoding: body.prefix(Self.maxExcerptBytes + 4096), as: UTF8.self)
        let redacted = Array(redact(window, extra: extra).utf8)
        guard redacted.count > Self.maxExcerptBytes else { return String(decoding: redacted, as: UTF8.self) }
        var cut = Self.maxExcerptBytes
        // Do not split a UTF-8 sequence: step back over continuation bytes.
        while cut > 0, redacted[cut] & 0xC0 == 0x80 { cut -= 1 }
        return String(decoding: redacted[..<cut], as: UTF8.self)
    }
}
