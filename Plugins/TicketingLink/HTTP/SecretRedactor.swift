import Foundation
import InkBridgeCore

/// The secrets one connector must never show: in response excerpts (`Excerpt`) and in its own messages.
struct SecretRedactor: Sendable {
    static let maxBytes = Excerpt.limit
    static let mask = "[redacted]"

    /// Longest first, so a secret that contains another is masked whole.
    let secrets: [String]

    init(secrets: [String]) {
        // Very short values would mask ordinary words; a real credential is never that short.
        self.secrets = Set(secrets.filter { $0.count >= 4 }).sorted { $0.count > $1.count }
    }

    func adding(_ more: [String]) -> SecretRedactor { SecretRedactor(secrets: secrets + more) }

    /// `Excerpt.make` with these secrets: redacted before it is cut, at most 2 KiB.
    func excerpt(_ body: [UInt8]) -> String? { Excerpt.make(body, redacting: secrets) }

    func redact(_ text: String) -> String {
        var redacted = text
        for s in secrets { redacted = redacted.replacingOccurrences(of: s, with: Self.mask) }
        return redacted
    }

    /// Cuts at a character boundary, so a message stays valid UTF-8 within `maxBytes`.
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
