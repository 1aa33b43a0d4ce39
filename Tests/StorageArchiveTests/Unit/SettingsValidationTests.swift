import InkBridgeCore
@testable import StorageArchive
import XCTest

/// What `inkbridge validate` reports for storage connectors: every problem,
/// each with its path.
final class SettingsValidationTests: XCTestCase {
    let keys: [String: SecretRef] = ["access_key_id": .env("K"), "secret_access_key": .env("S")]
    let resolved = ResolvedSecrets(["access_key_id": "AKIA1234", "secret_access_key": "s3cr3t"])

    func issues(_ plugin: any ConnectorPlugin, _ settings: JSON, secrets: [String: SecretRef], resolved: ResolvedSecrets) -> [String] {
        let config = Fixtures.config(type: plugin.type, settings: settings, secrets: secrets)
        var collector = IssueCollector(prefix: config.path)
        plugin.validate(config, secrets: resolved, issues: &collector)
        return collector.issues.map(\.description)
    }

    func testPluginsDeclareTypesAndDefaults() {
        let types = StorageArchive.plugins.map(\.type)
        XCTAssertEqual(types, ["storage.s3", "storage.filesystem"])
        for plugin in StorageArchive.plugins {
            XCTAssertEqual(plugin.defaultOn, ["executed"])
            XCTAssertFalse(plugin.isStateConnector)
        }
    }

    func testValidS3Settings() {
        let settings: JSON = ["bucket": "acme-archive", "region": "eu-central-1", "endpoint": "http://127.0.0.1:9000",
                              "path_style": true, "object_lock": ["mode": "COMPLIANCE", "retention_days": 2555],
                              "sse": "AES256", "multipart_threshold_mb": 64,
                              "key": "{tenant}/{yyyy}/{mm}/{contract.id}/{filename}"]
        XCTAssertEqual(issues(S3ArchivePlugin(), settings, secrets: keys, resolved: resolved), [])
    }

    func testS3ReportsEveryProblemWithItsPath() {
        let settings: JSON = ["region": "EU Central", "endpoint": "ftp://x", "object_lock": ["mode": "FOREVER", "retention_days": 0],
                              "sse": "rot13", "multipart_threshold_mb": 1, "key": "{tenant}/{nope here}", "colour": "blue",
                              "document_auth_header": "Authorization"]
        let found = issues(S3ArchivePlugin(), settings, secrets: [:], resolved: ResolvedSecrets([:]))
        let p = "tenants[0].connectors[0]."
        for expected in ["settings.bucket: required", "settings.region:", "settings.endpoint:", "settings.object_lock.mode:",
                         "settings.object_lock.retention_days:", "settings.sse:", "settings.multipart_threshold_mb:",
                         "settings.key: unknown placeholder {nope here}", "settings.colour: unknown setting",
                         "secrets.access_key_id: required", "secrets.secret_access_key: required",
                         "secrets.document_token: required when settings.document_auth_header is set"] {
            XCTAssertTrue(found.contains { $0.hasPrefix(p + expected) }, "missing \(expected) in \(found)")
        }
    }

    func testBucketNames() {
        XCTAssertTrue(S3Settings.isBucketName("acme-archive.2026"))
        for bad in ["ab", "Acme", "-acme", "acme-", "a..b", "a_b", String(repeating: "a", count: 64)] {
            XCTAssertFalse(S3Settings.isBucketName(bad), bad)
        }
    }

    func testFilesystemSettings() {
        XCTAssertEqual(issues(FilesystemArchivePlugin(), ["root": "/var/archive", "on_conflict": "version"], secrets: [:], resolved: ResolvedSecrets([:])), [])
        let found = issues(FilesystemArchivePlugin(), ["root": "relative/dir", "on_conflict": "overwrite", "key": "../{contract.id}"],
                           secrets: ["document_token": .env("T")], resolved: ResolvedSecrets(["document_token": "tok"]))
        for expected in ["settings.root: must be an absolute path", "settings.on_conflict:", "settings.key:",
                         "settings.document_auth_header: required when secrets.document_token is given"] {
            XCTAssertTrue(found.contains { $0.hasPrefix("tenants[0].connectors[0]." + expected) }, "missing \(expected) in \(found)")
        }
        XCTAssertTrue(issues(FilesystemArchivePlugin(), [:], secrets: [:], resolved: ResolvedSecrets([:])).contains { $0.contains("settings.root: required") })
    }

    func testConfigLoaderRejectsUnknownSecretsForStorage() throws {
        let registry = ConnectorRegistry(StorageArchive.plugins)
        let file = """
            {"version": 1, "tenants": [{"id": "acme", "api_keys": [{"sha256": "\(String(repeating: "a", count: 64))"}],
              "connectors": [{"id": "fs", "type": "storage.filesystem", "settings": {"root": "/tmp"},
                              "secrets": {"password": {"env": "X"}}}]}]}
            """
        let loader = ConfigLoader(registry: registry, resolver: SecretResolver(environment: ["X": "y"]))
        XCTAssertThrowsError(try loader.load(bytes: Array(file.utf8))) { error in
            XCTAssertTrue(String(describing: error).contains("tenants[0].connectors[0].secrets.password: unknown secret"), "\(error)")
        }
    }
}
