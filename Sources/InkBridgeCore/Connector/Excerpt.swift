/// The first bytes of an external system's answer, for attempt records:
/// at most 2 KiB, valid UTF-8, with every secret value replaced by `[redacted]`.
public enum Excerpt {
    public static let limit = 2048

    public static func make(_ body: [UInt8], redacting secrets: [String] = []) -> String? {
        guard !body.isEmpty else { return nil }
        // Redact on a little more than the limit so a secret cut at the edge is still caught.
        var text = SecretRedactor(secrets).redact(String(decoding: body.prefix(limit + 256), as: UTF8.self))
        if text.utf8.count > limit {
            var cut = String(decoding: Array(text.utf8.prefix(limit)), as: UTF8.self)
            while cut.last == "\u{FFFD}" { cut.removeLast() }
            text = cut
        }
        return text
    }
}
