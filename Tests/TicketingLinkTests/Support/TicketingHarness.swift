import Foundation
import InkBridgeSandbox
import XCTest
import InkBridgeCore
import TicketingLink

/// Builds ticketing connectors the way the hub does: connectors.json through `ConfigLoader`
/// (secrets as `{ "env": NAME }`), then the plugin's `makeConnector` with a real `CurlTransport`.
final class TicketingHarness {
    let transport = CurlTransport()
    let clock = FixedClock(date: Date(timeIntervalSince1970: 1_800_000_000))

    deinit { transport.shutdown() }

    /// - Parameters:
    ///   - secrets: secret name → value; each becomes an environment reference.
    func connector(type: String, settings: JSON, secrets: [String: String], tenant: String = "acme",
                   file: StaticString = #filePath, line: UInt = #line) throws -> any Connector {
        var env = ["ACME_KEY": "acme-api-key"]
        var refs = JSONObject()
        for (name, value) in secrets.sorted(by: { $0.key < $1.key }) {
            let variable = "TICKETING_" + name.uppercased()
            env[variable] = value
            refs[name] = ["env": .string(variable)]
        }
        let config: JSON = [
            "version": 1,
            "network": ["allow_private": true],
            "tenants": [[
                "id": .string(tenant), "api_keys": [["env": "ACME_KEY"]],
                "connectors": [["id": "tickets", "type": .string(type), "settings": settings, "secrets": .object(refs)]],
            ]],
        ]
        let loader = ConfigLoader(registry: ConnectorRegistry(TicketingLink.plugins), resolver: SecretResolver(environment: env))
        let loaded: LoadedConfig
        do { loaded = try loader.load(json: config) } catch {
            XCTFail("config must load: \(error)", file: file, line: line)
            throw error
        }
        let connector = loaded.config.tenants[0].connectors[0]
        let context = ConnectorContext(http: transport, network: loaded.config.network, timeout: 10, tenantID: tenant,
                                       connectorID: connector.id, temporaryDirectory: NSTemporaryDirectory(), clock: clock)
        return try loaded.plugin(for: connector).makeConnector(connector, secrets: loaded.secrets[ConnectorKey(tenant: tenant, connector: connector.id)]!,
                                                               context: context)
    }
}

extension DeliveryOutcome {
    var isSuccess: Bool { kind == .success }
    var isPermanent: Bool { kind == .permanent }
}
