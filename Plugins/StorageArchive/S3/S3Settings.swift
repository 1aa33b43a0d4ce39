import Foundation
import InkBridgeCore

/// The validated settings of one `storage.s3` connector.
struct S3Settings: Sendable {
    struct ObjectLock: Sendable, Equatable {
        let mode: String  // COMPLIANCE or GOVERNANCE
        let retentionDays: Int
    }

    let bucket: String
    let region: String
    let endpoint: S3Endpoint
    let pathStyle: Bool
    let objectLock: ObjectLock?
    /// `AES256` or `aws:kms`, sent as `x-amz-server-side-encryption`.
    let sse: String?
    let sseKMSKeyID: String?
    /// Documents larger than this go up by multipart upload.
    let multipartThreshold: Int64
    let partSize: Int64
    let document: DocumentSettings

    static let settingKeys = DocumentSettings.settingKeys.union([
        "bucket", "region", "endpoint", "path_style", "object_lock", "sse", "sse_kms_key_id",
        "multipart_threshold_mb", "multipart_part_mb",
    ])

    static func parse(_ config: ConnectorConfig, secrets: ResolvedSecrets, issues: inout IssueCollector) -> S3Settings? {
        let before = issues.issues.count
        let s = config.settings
        for key in s.unknownKeys(settingKeys) {
            issues.add("settings.\(key)", "unknown setting for storage.s3; known: \(settingKeys.sorted().joined(separator: ", "))")
        }
        let document = DocumentSettings.parse(config, secrets: secrets, issues: &issues)

        let bucket = requiredString(s, "bucket", &issues)
        if let b = bucket, !isBucketName(b) {
            issues.add("settings.bucket", "must be an S3 bucket name: 3 to 63 lower-case letters, digits, '.' and '-', starting and ending with a letter or digit")
        }
        let region = requiredString(s, "region", &issues)
        if let r = region, r.isEmpty || !r.utf8.allSatisfy({ ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2D }) {
            issues.add("settings.region", "must be a region name such as eu-central-1")
        }
        var endpoint: S3Endpoint?
        switch s["endpoint"] {
        case nil: if let r = region { endpoint = S3Endpoint(scheme: "https", host: "s3.\(r).amazonaws.com", port: nil) }
        case .string(let text)?:
            switch S3Endpoint.parse(text) {
            case .success(let e): endpoint = e
            case .failure(let e): issues.add("settings.endpoint", e.message)
            }
        case let v?: issues.add("settings.endpoint", "must be a string, not \(v.typeName)")
        }
        let pathStyle = bool(s, "path_style", default: false, &issues)
        let lock = parseObjectLock(s["object_lock"], &issues)
        var sse: String?
        if let v = s["sse"] {
            if let t = v.stringValue, t == "AES256" || t == "aws:kms" { sse = t } else { issues.add("settings.sse", "must be \"AES256\" or \"aws:kms\"") }
        }
        var kmsKey: String?
        if let v = s["sse_kms_key_id"] {
            if let t = v.stringValue, !t.isEmpty { kmsKey = t } else { issues.add("settings.sse_kms_key_id", "must be a non-empty string") }
            if sse != "aws:kms" { issues.add("settings.sse_kms_key_id", "only applies with \"sse\": \"aws:kms\"") }
        }
        let threshold = megabytes(s, "multipart_threshold_mb", default: 64, range: 5...5 * 1024, &issues)
        let partSize = megabytes(s, "multipart_part_mb", default: 16, range: 5...5 * 1024, &issues)

        for name in ["access_key_id", "secret_access_key"] where config.secretRefs[name] == nil {
            issues.add("secrets.\(name)", "required")
        }
        guard issues.issues.count == before, let document, let bucket, let region, let endpoint else { return nil }
        return S3Settings(bucket: bucket, region: region, endpoint: endpoint, pathStyle: pathStyle, objectLock: lock,
                          sse: sse, sseKMSKeyID: kmsKey, multipartThreshold: threshold, partSize: partSize, document: document)
    }

    static func parseObjectLock(_ json: JSON?, _ issues: inout IssueCollector) -> ObjectLock? {
        guard let json else { return nil }
        guard let o = json.objectValue else {
            issues.add("settings.object_lock", "must be an object such as {\"mode\": \"COMPLIANCE\", \"retention_days\": 2555}")
            return nil
        }
        for key in o.unknownKeys(["mode", "retention_days"]) { issues.add("settings.object_lock.\(key)", "unknown key") }
        var mode: String?
        if let m = o["mode"]?.stringValue, m == "COMPLIANCE" || m == "GOVERNANCE" { mode = m } else {
            issues.add("settings.object_lock.mode", "must be \"COMPLIANCE\" or \"GOVERNANCE\"")
        }
        var days = 2555  // 7 years, the retention SPEC section 1 names as the default
        if let d = o["retention_days"] {
            if let n = d.int64Value, n >= 1, n <= 36500 { days = Int(n) } else {
                issues.add("settings.object_lock.retention_days", "must be an integer from 1 to 36500")
            }
        }
        return mode.map { ObjectLock(mode: $0, retentionDays: days) }
    }

    static func requiredString(_ s: JSONObject, _ key: String, _ issues: inout IssueCollector) -> String? {
        switch s[key] {
        case nil: issues.add("settings.\(key)", "required"); return nil
        case .string(let v)?: return v
        case let v?: issues.add("settings.\(key)", "must be a string, not \(v.typeName)"); return nil
        }
    }

    static func bool(_ s: JSONObject, _ key: String, default value: Bool, _ issues: inout IssueCollector) -> Bool {
        guard let v = s[key] else { return value }
        if let b = v.boolValue { return b }
        issues.add("settings.\(key)", "must be a boolean")
        return value
    }

    static func megabytes(_ s: JSONObject, _ key: String, default value: Int64, range: ClosedRange<Int64>, _ issues: inout IssueCollector) -> Int64 {
        guard let v = s[key] else { return value << 20 }
        if let n = v.int64Value, range.contains(n) { return n << 20 }
        issues.add("settings.\(key)", "must be an integer from \(range.lowerBound) to \(range.upperBound) (MiB)")
        return value << 20
    }

    /// AWS's rules for new buckets (general purpose).
    static func isBucketName(_ name: String) -> Bool {
        let b = Array(name.utf8)
        guard (3...63).contains(b.count) else { return false }
        func alnum(_ c: UInt8) -> Bool { (c >= 0x61 && c <= 0x7A) || (c >= 0x30 && c <= 0x39) }
        guard alnum(b[0]), alnum(b[b.count - 1]) else { return false }
        return b.allSatisfy { alnum($0) || $0 == 0x2E || $0 == 0x2D } && !name.contains("..")
    }
}

/// Where the S3 API answers: `https://s3.eu-central-1.amazonaws.com`, `http://127.0.0.1:9000`.
struct S3Endpoint: Sendable, Equatable {
    let scheme: String
    let host: String
    let port: Int?

    /// The `Host` header value (and the signed `host`): the port only when one was given.
    var hostHeader: String { port.map { "\(host):\($0)" } ?? host }

    static func parse(_ text: String) -> Result<S3Endpoint, TemplateError> {
        guard let c = URLComponents(string: text), let scheme = c.scheme?.lowercased(), scheme == "https" || scheme == "http",
              let host = c.host, !host.isEmpty else {
            return .failure(TemplateError("must be an http(s) URL such as https://s3.eu-central-1.amazonaws.com"))
        }
        guard c.path.isEmpty || c.path == "/", c.query == nil, c.fragment == nil, c.user == nil, c.password == nil else {
            return .failure(TemplateError("must be scheme, host and optional port only (no path, query or credentials)"))
        }
        return .success(S3Endpoint(scheme: scheme, host: host.lowercased(), port: c.port))
    }
}
