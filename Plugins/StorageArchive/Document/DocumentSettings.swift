import InkBridgeCore

/// The settings both storage types share: the key template and how the
/// document is fetched (size cap, timeout, optional auth header).
struct DocumentSettings: Sendable {
    var key: KeyTemplate
    var maxDocumentBytes: Int64
    /// Header name for `secrets.document_token`, sent with the fetch (e.g. `Authorization`).
    var authHeaderName: String?
    /// Seconds allowed for the document download and for each upload of it.
    var transferTimeout: Double

    static let settingKeys: Set<String> = ["key", "max_document_mb", "document_auth_header", "transfer_timeout"]
    static let defaultMaxDocumentMB = 100
    static let defaultTransferTimeout: Double = 300

    /// Reads and checks the shared settings, reporting every problem under `settings.` / `secrets.`.
    static func parse(_ config: ConnectorConfig, secrets: ResolvedSecrets, issues: inout IssueCollector) -> DocumentSettings? {
        let s = config.settings
        var ok = true
        var key = KeyTemplate.parse(KeyTemplate.defaultText)
        if let k = s["key"] {
            if let text = k.stringValue { key = KeyTemplate.parse(text) } else { issues.add("settings.key", "must be a string"); ok = false }
        }
        if case .failure(let e) = key { issues.add("settings.key", e.message); ok = false }

        var maxMB = Int64(defaultMaxDocumentMB)
        if let v = s["max_document_mb"] {
            if let n = v.int64Value, n >= 1, n <= 5 * 1024 { maxMB = n } else { issues.add("settings.max_document_mb", "must be an integer from 1 to 5120"); ok = false }
        }
        var timeout = defaultTransferTimeout
        if let v = s["transfer_timeout"] {
            if let n = v.doubleValue, n > 0, n <= 86400 { timeout = n } else { issues.add("settings.transfer_timeout", "must be a number of seconds from 1 to 86400"); ok = false }
        }
        var header: String?
        if let v = s["document_auth_header"] {
            if let name = v.stringValue, isHeaderName(name) { header = name } else {
                issues.add("settings.document_auth_header", "must be an HTTP header name such as Authorization"); ok = false
            }
        }
        let hasTokenRef = config.secretRefs["document_token"] != nil
        if header != nil, !hasTokenRef {
            issues.add("secrets.document_token", "required when settings.document_auth_header is set"); ok = false
        }
        if header == nil, hasTokenRef, s["document_auth_header"] == nil {
            issues.add("settings.document_auth_header", "required when secrets.document_token is given (the header that carries it)"); ok = false
        }
        guard ok, case .success(let template) = key else { return nil }
        return DocumentSettings(key: template, maxDocumentBytes: maxMB << 20, authHeaderName: header, transferTimeout: timeout)
    }

    /// RFC 9110 token characters.
    static func isHeaderName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.allSatisfy { c in
            (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A)
                || Array("!#$%&'*+-.^_`|~".utf8).contains(c)
        }
    }
}

extension JSONObject {
    /// The keys that are not in `allowed`, for "unknown key" issues.
    func unknownKeys(_ allowed: Set<String>) -> [String] { keys.filter { !allowed.contains($0) } }
}
