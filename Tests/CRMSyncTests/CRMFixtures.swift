import CRMSync
import Foundation
import InkBridgeCore
import XCTest

/// Events and configurations shared by the CRM tests.
enum CRMFixtures {
    static let tenant = "acme"

    /// SPEC section 2's example event, with the status, sequence and amount given.
    static func event(status: String, sequence: Int, amount: String = "48000.00", crmRef: String = "006Dn00000AbCdEIAV",
                      contractID: String = "ctr_42", expiry: String = "2027-11-30", tweak: (inout JSONObject) -> Void = { _ in }) -> ContractEvent {
        let customer: JSON = ["id": "cust_9", "name": "Acme Manufacturing", "crm_ref": .string(crmRef), "ticketing_ref": "361"]
        var contract = JSONObject([
            ("id", .string(contractID)), ("sequence", JSON(sequence)), ("status", .string(status)),
            ("title", "Gold Support and Maintenance Agreement"), ("kind", "support_maintenance"),
            ("customer", customer), ("value", ["amount": .string(amount), "currency": "USD"]),
            ("effective_date", "2026-12-01"), ("expiry_date", .string(expiry)),
            ("sla", ["tier": "gold", "business_hours": "24x7"]),
        ])
        tweak(&contract)
        let json: JSON = ["id": .string("evt_\(contractID)_\(sequence)"), "type": "contract.status_changed",
                          "occurred_at": "2026-11-21T10:15:00Z", "contract": .object(contract)]
        switch EventValidator.validate(json, raw: json.serialized()) {
        case .success(let e): return e
        case .failure(let f): preconditionFailure("fixture event is invalid: \(f)")
        }
    }

    static func delivery(_ event: ContractEvent, id: String? = nil, connector: String = "crm", attempt: Int = 1) -> Delivery {
        Delivery(id: id ?? "dlv_\(event.id)", tenantID: tenant, connectorID: connector, event: event, attempt: attempt)
    }

    static let apiKeyEnv = ["ACME_API_KEY": "ak_test_0123456789"]

    /// Loads a connectors.json holding one tenant with `connectors` (JSON text of the array's elements).
    static func load(connectors: String, env: [String: String]) throws(ValidationError) -> LoadedConfig {
        let text = """
        {"version": 1, "tenants": [{"id": "\(tenant)", "api_keys": [{"env": "ACME_API_KEY"}], "connectors": [\(connectors)]}]}
        """
        let loader = ConfigLoader(registry: ConnectorRegistry(CRMSync.plugins),
                                  resolver: SecretResolver(environment: apiKeyEnv.merging(env) { a, _ in a }))
        return try loader.load(bytes: Array(text.utf8))
    }

    /// The issues of a configuration that must not load, as `path: message` strings.
    static func issues(connectors: String, env: [String: String], file: StaticString = #filePath, line: UInt = #line) -> [String] {
        do {
            _ = try load(connectors: connectors, env: env)
            XCTFail("configuration loaded but should not", file: file, line: line)
            return []
        } catch {
            return error.issues.map(\.description)
        }
    }

    /// Builds the first connector of a loaded configuration over `http`.
    static func connector(_ loaded: LoadedConfig, http: any HTTPTransport, timeout: Double = 10) throws -> any Connector {
        let config = loaded.config.tenants[0].connectors[0]
        let secrets = loaded.secrets[ConnectorKey(tenant: tenant, connector: config.id)]!
        let context = ConnectorContext(http: http, network: NetworkPolicy(allowPrivate: true), timeout: timeout,
                                       tenantID: tenant, connectorID: config.id, temporaryDirectory: NSTemporaryDirectory())
        return try loaded.plugin(for: config).makeConnector(config, secrets: secrets, context: context)
    }
}
