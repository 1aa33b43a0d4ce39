import CRMSync
import Foundation
import InkBridgeCore
import StorageArchive
import TicketingLink
import Webhook

/// Builds the pieces every command needs: the registry of linked plugins, the store, the configuration.
enum HubFactory {
    /// Adding a connector type: its module under Plugins/ and one entry here.
    static let registry = ConnectorRegistry([WebhookPlugin()] + CRMSync.plugins + TicketingLink.plugins + StorageArchive.plugins)

    static let defaultStore = "sqlite:inkbridge.db"

    static func storeSpec(_ option: String?) -> String {
        option ?? ProcessInfo.processInfo.environment["INKBRIDGE_STORE"] ?? defaultStore
    }

    static func configPath(_ option: String?) -> String {
        option ?? ProcessInfo.processInfo.environment["INKBRIDGE_CONFIG"] ?? "connectors.json"
    }

    static func openStore(_ spec: String) throws(CLIError) -> any EventStore {
        if spec.hasPrefix("sqlite:") {
            let path = String(spec.dropFirst("sqlite:".count))
            guard !path.isEmpty else { throw CLIError.usage("--store sqlite:PATH needs a path") }
            do { return try SQLiteEventStore(path: path) } catch { throw CLIError.runtime(error.message) }
        }
        if spec.hasPrefix("postgres://") || spec.hasPrefix("postgresql://") {
            throw CLIError.runtime("the PostgreSQL store is not built yet; use --store sqlite:PATH")
        }
        throw CLIError.usage("unknown store \(spec): use sqlite:PATH")
    }

    /// The secret source for `{ "secret": ... }` references, when a master key is configured.
    static func secretSource(store: any EventStore) -> (any SecretSource)? {
        let env = ProcessInfo.processInfo.environment
        guard env["INKBRIDGE_MASTER_KEY"] != nil || env["INKBRIDGE_MASTER_KEY_FILE"] != nil,
              let box = try? SecretBox.fromEnvironment(env) else { return nil }
        return StoreSecretSource(store: store, box: box)
    }

    static func loadConfig(path: String, store: (any EventStore)?) throws(CLIError) -> LoadedConfig {
        switch loadConfigResult(path: path, store: store) {
        case .success(let config): return config
        case .failure(let error):
            throw CLIError.invalid("\(path): \(error.issues.count) problem\(error.issues.count == 1 ? "" : "s")",
                                   details: error.issues.map(\.description))
        }
    }

    /// Loads and validates the file; every problem on failure (also what `POST /v1/admin/reload` answers).
    static func loadConfigResult(path: String, store: (any EventStore)?) -> Result<LoadedConfig, ConfigError> {
        let resolver = SecretResolver(store: store.flatMap(secretSource))
        do { return .success(try ConfigLoader(registry: registry, resolver: resolver).load(path: path)) } catch { return .failure(error) }
    }
}
