/// Removes a connector's secret values from text that leaves it: response
/// excerpts, error messages that quote a response (an S3 error can echo the
/// access key id, a token endpoint its client secret). One type for every
/// plugin, used by `Excerpt` too.
public struct SecretRedactor: Sendable {
    public static let mask = "[redacted]"

    /// Longest first, so a secret that contains another is masked whole.
    private let secrets: [String]

    /// Values shorter than 4 characters are ignored: they would mask ordinary
    /// words and are never meaningful credentials.
    public init(_ secrets: [String]) {
        self.secrets = Self.usable(secrets)
    }

    static func usable(_ secrets: [String]) -> [String] {
        Set(secrets.filter { $0.count >= 4 }).sorted { $0.count > $1.count }
    }

    /// A redactor that also masks `more` (tokens issued at run time).
    public func adding(_ more: [String]) -> SecretRedactor { SecretRedactor(secrets + more) }

    /// `text` with every secret, and each of `extra`, masked.
    public func redact(_ text: String, extra: [String] = []) -> String {
        var out = text
        for s in extra.isEmpty ? secrets : Self.usable(secrets + extra) where out.contains(s) {
            out = out.replacingOccurrences(of: s, with: Self.mask)
        }
        return out
    }

    public func callAsFunction(_ text: String) -> String { redact(text) }

    /// The first 2 KiB of a response body, redacted; nil when empty.
    public func excerpt(_ body: [UInt8], extra: [String] = []) -> String? {
        Excerpt.make(body, redacting: extra.isEmpty ? secrets : secrets + extra)
    }

    /// Cuts at a character boundary, so a message stays valid UTF-8 within `maxBytes`.
    public static func truncate(_ text: String, maxBytes: Int) -> String {
        guard text.utf8.count > maxBytes else { return text }
        var out = ""
        var used = 0
        for ch in text {
            let n = ch.utf8.count
            if used + n > maxBytes { break }
            out.append(ch)
            used += n
        }
        return out
    }
}
