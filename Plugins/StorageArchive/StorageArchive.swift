import InkBridgeCore

/// The storage connector types this module provides, for the executable's
/// registry: `ConnectorRegistry([WebhookPlugin()] + StorageArchive.plugins + ...)`.
///
/// Both types fetch `contract.document.url` (streamed to a temporary file in
/// `ConnectorContext.temporaryDirectory`, removed afterwards), check its SHA-256
/// against `contract.document.sha256` when the event gives one (`hash_mismatch`
/// otherwise, nothing archived) and store it under a key rendered from
/// `settings.key`. Neither ever overwrites: the same document again is a
/// success that writes nothing, another one is a permanent `conflict`.
///
/// Settings both types accept (besides their own, see `S3ArchivePlugin` and
/// `FilesystemArchivePlugin`):
/// - `key`: template, default `{tenant}/{contract.customer.id}/{yyyy}/{contract.id}/{filename}`.
///   Placeholders `{tenant}`, `{yyyy}` `{mm}` `{dd}` (UTC date of `occurred_at`),
///   `{filename}` (`contract.document.filename`, else `document.pdf`) and any
///   event path. Checked at load; a rendered key with `..`, `.`, an empty
///   segment, a leading `/`, a backslash or a control character is `invalid_key`.
/// - `max_document_mb` (default 100): larger documents are `document_too_large`.
/// - `transfer_timeout` (seconds, default 300): for the download and each upload.
/// - `document_auth_header` + secret `document_token`: a header sent with the download.
///
/// Error codes: `missing_document`, `invalid_url`, `http_status`, `hash_mismatch`,
/// `document_too_large`, `empty_document`, `invalid_key`, `conflict`, `io`,
/// transport codes (`timeout`, `blocked_address`, ...), and for S3 errors
/// S3's own code (`SignatureDoesNotMatch`, `InvalidAccessKeyId`, `SlowDown`, ...).
public enum StorageArchive {
    public static let plugins: [any ConnectorPlugin] = [S3ArchivePlugin(), FilesystemArchivePlugin()]
}
