import Foundation
import InkBridgeCore

/// `storage.filesystem`: archives executed documents below a local directory.
/// Settings: `root` (required, absolute), `key` (template), `on_conflict`
/// (`fail`, the default, or `version`), `max_document_mb`, `transfer_timeout`,
/// `document_auth_header`; secret `document_token` (optional).
public struct FilesystemArchivePlugin: ConnectorPlugin {
    public init() {}

    public var type: String { "storage.filesystem" }
    public var defaultOn: Set<String> { ["executed"] }
    public var isStateConnector: Bool { false }
    public var secretNames: Set<String> { ["document_token"] }

    static let settingKeys = DocumentSettings.settingKeys.union(["root", "on_conflict"])

    public func validate(_ config: ConnectorConfig, secrets: ResolvedSecrets, issues: inout IssueCollector) {
        _ = Self.parse(config, secrets: secrets, issues: &issues)
    }

    public func makeConnector(_ config: ConnectorConfig, secrets: ResolvedSecrets, context: ConnectorContext) throws -> any Connector {
        var issues = IssueCollector(prefix: config.path)
        guard let settings = Self.parse(config, secrets: secrets, issues: &issues) else { throw ValidationError(issues.issues) }
        return FilesystemArchiveConnector(settings: settings, secrets: secrets, context: context)
    }

    static func parse(_ config: ConnectorConfig, secrets: ResolvedSecrets, issues: inout IssueCollector) -> FilesystemSettings? {
        let before = issues.issues.count
        for key in config.settings.unknownKeys(settingKeys) {
            issues.add("settings.\(key)", "unknown setting for storage.filesystem; known: \(settingKeys.sorted().joined(separator: ", "))")
        }
        let document = DocumentSettings.parse(config, secrets: secrets, issues: &issues)
        var root: String?
        switch config.settings["root"] {
        case nil: issues.add("settings.root", "required: the directory documents are archived under")
        case .string(let r)?:
            if !r.hasPrefix("/") { issues.add("settings.root", "must be an absolute path") }
            else if r.utf8.contains(0) { issues.add("settings.root", "must not contain a NUL byte") }
            else { root = r.count > 1 && r.hasSuffix("/") ? String(r.dropLast()) : r }
        case let v?: issues.add("settings.root", "must be a string, not \(v.typeName)")
        }
        var onConflict = FilesystemSettings.OnConflict.fail
        if let v = config.settings["on_conflict"] {
            if let s = v.stringValue, let mode = FilesystemSettings.OnConflict(rawValue: s) { onConflict = mode } else {
                issues.add("settings.on_conflict", "must be \"fail\" or \"version\"")
            }
        }
        guard issues.issues.count == before, let document, let root else { return nil }
        return FilesystemSettings(root: root, onConflict: onConflict, document: document)
    }
}

struct FilesystemSettings: Sendable {
    enum OnConflict: String, Sendable {
        /// A different document under an existing name is a permanent `conflict`.
        case fail
        /// Keep both: the new one goes to `name.v2.ext`, `name.v3.ext`, ...
        case version
    }

    let root: String
    let onConflict: OnConflict
    let document: DocumentSettings
}
