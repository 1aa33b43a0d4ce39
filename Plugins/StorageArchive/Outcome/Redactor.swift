import InkBridgeCore

/// Removes secret values from text that leaves the connector (messages,
/// response excerpts): an S3 error document can echo the access key id in its
/// StringToSign, and a document server can echo a request header.
struct Redactor: Sendable {
    private let secrets: [String]

    init(_ secrets: [String]) {
        // Longest first, so a secret that contains another is replaced whole.
        self.secrets = secrets.filter { $0.count >= 4 }.sorted { $0.count > $1.count }
    }

    func callAsFunction(_ text: String) -> String {
        var out = text
        for secret in secrets where out.contains(secret) {
            out = out.replacingOccurrences(of: secret, with: "[redacted]")
        }
        return out
    }

    /// The first bytes of a body as text, redacted: the attempt record's excerpt.
    func excerpt(_ body: [UInt8]) -> String? { Excerpt.make(body, redacting: secrets) }
}
