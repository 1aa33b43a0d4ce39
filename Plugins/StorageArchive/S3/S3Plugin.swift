import Foundation
import InkBridgeCore

/// `storage.s3`: archives executed documents to any S3-compatible endpoint,
/// signed with SigV4, with checksums, optional object lock and SSE, never
/// overwriting an existing object (`If-None-Match: *`).
///
/// Settings: `bucket` and `region` (required), `endpoint` (default
/// `https://s3.REGION.amazonaws.com`), `path_style` (default false),
/// `object_lock` (`{"mode": "COMPLIANCE"|"GOVERNANCE", "retention_days": 2555}`),
/// `sse` (`AES256` or `aws:kms`) with optional `sse_kms_key_id`,
/// `multipart_threshold_mb` (default 64) and `multipart_part_mb` (default 16),
/// plus the shared ones (`StorageArchive`). Secrets: `access_key_id`,
/// `secret_access_key`, optional `session_token` and `document_token`.
/// The endpoint is subject to the private-address guard like any outbound URL:
/// a MinIO on a private network needs `"network": {"allow_private": true}`.
public struct S3ArchivePlugin: ConnectorPlugin {
    public init() {}

    public var type: String { "storage.s3" }
    public var defaultOn: Set<String> { ["executed"] }
    public var isStateConnector: Bool { false }
    public var secretNames: Set<String> { ["access_key_id", "secret_access_key", "session_token", "document_token"] }

    public func validate(_ config: ConnectorConfig, secrets: ResolvedSecrets, issues: inout IssueCollector) {
        _ = S3Settings.parse(config, secrets: secrets, issues: &issues)
    }

    public func makeConnector(_ config: ConnectorConfig, secrets: ResolvedSecrets, context: ConnectorContext) throws -> any Connector {
        var issues = IssueCollector(prefix: config.path)
        guard let settings = S3Settings.parse(config, secrets: secrets, issues: &issues) else { throw ValidationError(issues.issues) }
        guard let keyID = secrets["access_key_id"], let secret = secrets["secret_access_key"] else {
            throw ValidationError([FieldIssue(path: issues.path("secrets"), message: "access_key_id and secret_access_key must resolve")])
        }
        let credentials = SigV4Signer.Credentials(accessKeyID: keyID, secretAccessKey: secret, sessionToken: secrets["session_token"])
        return S3ArchiveConnector(settings: settings, credentials: credentials, secrets: secrets, context: context)
    }
}
