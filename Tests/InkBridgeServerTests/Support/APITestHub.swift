import Foundation
import InkBridgeCore
import InkBridgeSandbox
import InkBridgeServer
import MicroHTTP
import Webhook

/// A hub with two tenants in a temporary directory, its API on a loopback port
/// the OS chose, and a client. The dispatcher runs only when asked, so
/// deliveries otherwise stay `pending` where a test reads them.
final class APITestHub: Sendable {
    static let acmeKey = "acme-key-\(UUID().uuidString)"
    static let globexKey = "globex-key-\(UUID().uuidString)"
    static let operatorToken = "operator-\(UUID().uuidString)"
    /// The Standard Webhooks test secret.
    static let signingSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    /// Nothing listens there: deliveries that go out fail to connect.
    static let closedURL = "http://127.0.0.1:1/hook"
    static let registry = ConnectorRegistry([WebhookPlugin()])

    let directory: String
    let store: SQLiteEventStore
    let hub: Hub
    let server: MicroHTTPServer
    let client: APIClient
    let api: APIServer
    private let transport: CurlTransport
    private let dispatcherTask: Task<Void, Never>?

    var configPath: String { directory + "/connectors.json" }

    /// - Parameters:
    ///   - webhookURL: where the webhook connectors deliver.
    ///   - retry: the connectors' retry schedule (`[]`: one attempt, then dead).
    init(webhookURL: String = APITestHub.closedURL, retry: [Int] = [60], runDispatcher: Bool = false,
         limits: HTTPServerLimits = APIServer.defaultLimits) async throws {
        directory = SandboxPaths.temporaryDirectory(prefix: "inkbridge-api")
        try Self.signingSecret.write(toFile: directory + "/signing_secret", atomically: true, encoding: .utf8)
        try Self.config(directory: directory, webhookURL: webhookURL, retry: retry)
            .write(toFile: directory + "/connectors.json", atomically: true, encoding: .utf8)
        store = try SQLiteEventStore(path: directory + "/hub.db")
        transport = CurlTransport()
        hub = Hub(store: store, registry: Self.registry, transport: transport, temporaryDirectory: directory)
        let path = directory + "/connectors.json"
        try await hub.apply(try Self.load(path).get())
        api = APIServer(hub: hub, operatorToken: Self.operatorToken) { Self.load(path) }
        server = try api.listen(host: "127.0.0.1", port: 0, limits: limits)
        client = APIClient(port: server.port)
        if runDispatcher {
            let hub = self.hub
            dispatcherTask = Task { try? await hub.dispatcher.run() }
        } else {
            dispatcherTask = nil
        }
    }

    static func load(_ path: String) -> Result<LoadedConfig, ConfigError> {
        do throws(ConfigError) {
            return .success(try ConfigLoader(registry: registry, resolver: SecretResolver(environment: [:])).load(path: path))
        } catch { return .failure(error) }
    }

    /// Two tenants: acme with a webhook for every status and one for `signed` only; globex with one webhook.
    static func config(directory: String, webhookURL: String, retry: [Int], extraAcmeConnector: String = "") -> String {
        let secret = "{ \"signing_secret\": { \"file\": \"\(directory)/signing_secret\" } }"
        let retryJSON = "{ \"schedule\": [\(retry.map(String.init).joined(separator: ", "))] }"
        return """
            {
              "version": 1,
              "network": { "allow_private": true },
              "tenants": [
                { "id": "acme", "api_keys": [{ "sha256": "\(Digest.sha256Hex(Array(acmeKey.utf8)))" }],
                  "connectors": [
                    { "id": "acme-hook", "type": "webhook", "retry": \(retryJSON),
                      "settings": { "url": "\(webhookURL)", "headers": { "Authorization": "Bearer downstream-credential", "X-Team": "ops" } },
                      "secrets": \(secret) },
                    { "id": "acme-signed", "type": "webhook", "on": ["signed"], "retry": \(retryJSON),
                      "settings": { "url": "\(webhookURL)" }, "secrets": \(secret) }\(extraAcmeConnector)
                  ] },
                { "id": "globex", "api_keys": [{ "sha256": "\(Digest.sha256Hex(Array(globexKey.utf8)))" }],
                  "connectors": [
                    { "id": "globex-hook", "type": "webhook", "retry": \(retryJSON),
                      "settings": { "url": "\(webhookURL)" }, "secrets": \(secret) }
                  ] }
              ]
            }
            """
    }

    func stop() async {
        server.stop()
        if let dispatcherTask {
            await hub.dispatcher.stop(timeout: 5)
            _ = await dispatcherTask.value
        }
        transport.shutdown()
        store.close()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Posts one event as acme (or `key`) and answers the delivery ids by connector.
    @discardableResult
    func ingest(_ json: String, key: String = APITestHub.acmeKey) async throws -> APIAnswer {
        try await client.post("/v1/events", key: key, json: json)
    }
}

extension APIAnswer {
    /// `events[i].deliveries` of an ingest answer: connector -> delivery id.
    func deliveries(event index: Int = 0) -> [String: String] {
        var out: [String: String] = [:]
        for d in json?[path: "events.\(index).deliveries"]?.arrayValue ?? [] {
            if let c = d["connector"]?.stringValue, let id = d["id"]?.stringValue { out[c] = id }
        }
        return out
    }
}
