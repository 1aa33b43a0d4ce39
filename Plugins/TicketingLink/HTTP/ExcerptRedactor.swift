import Foundation

/// Makes the first bytes of an answer safe to record: every secret value replaced, at most 2 KiB.
struct ExcerptRedactor: Sendable {
    /// SPEC section 5: "first bytes of the response".
    static let maxBytes = 2048
    static let mask = "[redacted]"

    /// Longest first, so a secret that contains another is masked whole.
    let secrets: [String]

    init(secrets: [String]) {
        // Very short values would mask ordinary words; a real credential is never that short.
        self.secrets = Set(secrets.filter { $0.count >= 4 }).sorted { $0.count > $1.count }
    }

    func adding(_ more: [String]) -> ExcerptRedactor { ExcerptRedactor(secrets: secrets + more) }

    /// Redacts before cutting, so a secret that straddles the cut cannot leak its first half.
    func excerpt(_ body: [UInt8]) -> String? {
        guard !body.isEmpty else { return nil }
        // Redacting can only shrink or keep a secret-bearing text near its size; read a little more
        // than the cap so a long secret at the end is still seen whole.
        let window = body.prefix(Self.maxBytes * 4)
        return excerpt(String(decoding: window, as: UTF8.self))
    }

    func excerpt(_ text: String) -> String {
        var redacted = text
        for s in secrets { redacted = redacted.replacingOccurrences(of: s, with: Self.mask) }
        return Self.truncate(redacted, maxBytes: Self.maxBytes)
    }

    func redact(_ text: String) -> String {
        var redacted = text
        for s in secrets { redacted = redacted.replacingOccurrences(of: s, with: Self.mask) }
        return redacted
    }

    /// Cuts at a character boundary so the excerpt stays valid UTF-8 within `maxBytes`.
    static func truncate(_ text: String, maxBytes: Int) -> String {
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
