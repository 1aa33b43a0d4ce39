import InkBridgeCore

/// The storage connector types this module provides, for the executable's
/// registry: `ConnectorRegistry(Webhook.plugins + StorageArchive.plugins + ...)`.
public enum StorageArchive {
    public static let plugins: [any ConnectorPlugin] = [S3ArchivePlugin(), FilesystemArchivePlugin()]
}
