import Foundation
import InkBridgeCore

/// `type: webhook`: POSTs the event, exactly as ingested, to a URL, signed per
/// Standard Webhooks v1 (`webhook-id`, `webhook-timestamp`, `webhook-signature`).
public struct WebhookPlugin: ConnectorPlugin {
    public init() {}

    public let type = "webhook"
    public var defaultOn: Set<String> { ContractStatus.allNames }
    public let isStateConnector = false
    public let secretNames: Set<String> = ["signing_secret"]

    /// Headers the connector sets itself; a configured header may not replace them.
    static let reservedHeaders: Set<String> = ["webhook-id", "webhook-timestamp", "webhook-signature", "content-type", "content-length", "host"]

    public func validate(_ config: ConnectorConfig, secrets: ResolvedSecrets, issues: inout IssueCollector) {
        for key in config.settings.keys where !["url", "headers"].contains(key) {
            issues.add("settings.\(key)", "unknown setting for webhook")
        }
        switch config.settings["url"] {
        case nil: issues.add("settings.url", "required")
        case .string(let url)?:
            if !(url.hasPrefix("https://") || url.hasPrefix("http://")) || URL(string: url)?.host == nil {
                issues.add("settings.url", "must be an absolute http(s) URL")
            }
        case let v?: issues.add("settings.url", "must be a string, not \(v.typeName)")
        }
        if let h = config.settings["headers"] {
            if let o = h.objectValue {
                for entry in o.entries {
                    if Self.reservedHeaders.contains(entry.key.lowercased()) {
                        issues.add("settings.headers.\(entry.key)", "is set by the connector and cannot be configured")
                    } else if !Self.isToken(entry.key) {
                        issues.add("settings.headers.\(entry.key)", "is not a valid header name")
                    }
                    guard let v = entry.value.stringValue else { issues.add("settings.headers.\(entry.key)", "must be a string"); continue }
                    if v.contains(where: { $0 == "\r" || $0 == "\n" }) { issues.add("settings.headers.\(entry.key)", "must not contain line breaks") }
                }
            } else { issues.add("settings.headers", "must be an object of header names to values") }
        }
        if config.secretRefs["signing_secret"] == nil {
            issues.add("secrets.signing_secret", "required: a whsec_ secret")
        } else if let s = secrets["signing_secret"] {
            if case .failure(let f) = WebhookSigner.decodeSecret(s) { issues.add("secrets.signing_secret", f.message) }
        }
    }

    public func makeConnector(_ config: ConnectorConfig, secrets: ResolvedSecrets, context: ConnectorContext) throws -> any Connector {
        guard let url = config.stringSetting("url"), let secret = secrets["signing_secret"] else {
            throw WebhookSigner.Failure(message: "webhook connector is not validated")
        }
        let signer = try WebhookSigner(secret: secret)
        var headers: [(name: String, value: String)] = []
        for entry in config.settings["headers"]?.objectValue?.entries ?? [] {
            if let v = entry.value.stringValue { headers.append((entry.key, v)) }
        }
        return WebhookConnector(url: url, headers: headers, signer: signer, context: context, redact: secrets.allValues)
    }

    /// RFC 9110 token characters.
    static func isToken(_ s: String) -> Bool {
        !s.isEmpty && s.utf8.allSatisfy { c in
            (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || "!#$%&'*+-.^_`|~".utf8.contains(c)
        }
    }
}
