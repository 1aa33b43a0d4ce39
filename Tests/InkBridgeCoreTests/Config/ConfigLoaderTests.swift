import InkBridgeCore
import Webhook
import XCTest

final class ConfigLoaderTests: XCTestCase {
    static let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

    func loader(env: [String: String] = ["HOOK_SECRET": secret, "ACME_KEY": "key-acme"]) -> ConfigLoader {
        ConfigLoader(registry: ConnectorRegistry([WebhookPlugin()]), resolver: SecretResolver(environment: env))
    }

    static func config(connector: String = #"{"id":"hook","type":"webhook","settings":{"url":"https://example.com/h"},"secrets":{"signing_secret":{"env":"HOOK_SECRET"}}}"#,
                       extraTenant: String = "", top: String = "") -> String {
        """
        {"version":1,\(top)"tenants":[{"id":"acme","api_keys":[{"env":"ACME_KEY"}],"connectors":[\(connector)]}\(extraTenant)]}
        """
    }

    func testValidConfigLoadsWithDefaultsAndResolvedSecrets() throws {
        let loaded = try loader().load(bytes: Array(Self.config().utf8))
        let c = try XCTUnwrap(loaded.config.tenant("acme")?.connectors.first)
        XCTAssertEqual(c.on, ContractStatus.allNames, "default on of webhook is every status")
        XCTAssertEqual(c.options.retrySchedule, ConnectorOptions.defaultSchedule)
        XCTAssertEqual(loaded.secrets[ConnectorKey(tenant: "acme", connector: "hook")]?["signing_secret"], Self.secret)
        XCTAssertEqual(loaded.config.tenant("acme")?.apiKeyHashes, [Digest.sha256Hex(Array("key-acme".utf8))])
    }

    func testEveryBadConfigIsRejectedWithItsPath() throws {
        let hook = #""id":"hook","type":"webhook","secrets":{"signing_secret":{"env":"HOOK_SECRET"}}"#
        let cases: [(String, String, String)] = [
            ("not JSON", "{", ""),
            ("wrong version", #"{"version":2,"tenants":[]}"#, "version"),
            ("tenants not array", #"{"version":1,"tenants":{}}"#, "tenants"),
            ("unknown top key", #"{"version":1,"tenants":[],"tennants":[]}"#, "tennants"),
            ("tenant without id", #"{"version":1,"tenants":[{"api_keys":[{"sha256":"\#(String(repeating: "a", count: 64))"}]}]}"#, "tenants[0].id"),
            ("bad api key ref", #"{"version":1,"tenants":[{"id":"t","api_keys":[{"password":"x"}]}]}"#, "tenants[0].api_keys[0]"),
            ("api key env unset", #"{"version":1,"tenants":[{"id":"t","api_keys":[{"env":"NOPE"}]}]}"#, "tenants[0].api_keys[0].env"),
            ("unknown type", Self.config(connector: #"{"id":"x","type":"crm.pipedrive","settings":{}}"#), "tenants[0].connectors[0].type"),
            ("missing url", Self.config(connector: "{\(hook),\"settings\":{}}"), "tenants[0].connectors[0].settings.url"),
            ("url not http", Self.config(connector: "{\(hook),\"settings\":{\"url\":\"ftp://x\"}}"), "tenants[0].connectors[0].settings.url"),
            ("missing secret", Self.config(connector: #"{"id":"hook","type":"webhook","settings":{"url":"https://e.com"}}"#), "tenants[0].connectors[0].secrets.signing_secret"),
            ("unresolvable secret", Self.config(connector: #"{"id":"hook","type":"webhook","settings":{"url":"https://e.com"},"secrets":{"signing_secret":{"env":"UNSET_VAR"}}}"#), "tenants[0].connectors[0].secrets.signing_secret"),
            ("secret of other tenant", Self.config(connector: #"{"id":"hook","type":"webhook","settings":{"url":"https://e.com"},"secrets":{"signing_secret":{"secret":"globex/s"}}}"#), "tenants[0].connectors[0].secrets.signing_secret"),
            ("unknown status in on", Self.config(connector: "{\(hook),\"settings\":{\"url\":\"https://e.com\"},\"on\":[\"signed\",\"archived\"]}"), "tenants[0].connectors[0].on[1]"),
            ("negative retry delay", Self.config(connector: "{\(hook),\"settings\":{\"url\":\"https://e.com\"},\"retry\":{\"schedule\":[5,-1]}}"), "tenants[0].connectors[0].retry.schedule[1]"),
            ("concurrency zero", Self.config(connector: "{\(hook),\"settings\":{\"url\":\"https://e.com\"},\"concurrency\":0}"), "tenants[0].connectors[0].concurrency"),
            ("duplicate connector id", Self.config(connector: "{\(hook),\"settings\":{\"url\":\"https://e.com\"}},{\(hook),\"settings\":{\"url\":\"https://e.com\"}}"), "tenants[0].connectors[1].id"),
            ("duplicate tenant id", Self.config(extraTenant: #",{"id":"acme","api_keys":[{"env":"ACME_KEY"}]}"#), "tenants[1].id"),
            ("bad signing secret", Self.config(connector: #"{"id":"hook","type":"webhook","settings":{"url":"https://e.com"},"secrets":{"signing_secret":{"env":"ACME_KEY"}}}"#), "tenants[0].connectors[0].secrets.signing_secret"),
            ("filter not a list", Self.config(connector: "{\(hook),\"settings\":{\"url\":\"https://e.com\"},\"filter\":{\"contract.kind\":\"x\"}}"), "tenants[0].connectors[0].filter.contract.kind"),
            ("allow_private not bool", Self.config(top: #""network":{"allow_private":"yes"},"#), "network.allow_private"),
            ("reserved header", Self.config(connector: "{\(hook),\"settings\":{\"url\":\"https://e.com\",\"headers\":{\"webhook-id\":\"x\"}}}"), "tenants[0].connectors[0].settings.headers.webhook-id"),
        ]
        XCTAssertGreaterThanOrEqual(cases.count, 15)
        for (name, text, path) in cases {
            do {
                _ = try loader().load(bytes: Array(text.utf8))
                XCTFail("\(name): accepted")
            } catch {
                XCTAssertTrue(error.issues.contains { $0.path == path }, "\(name): expected \(path) in \(error.issues)")
            }
        }
    }

    func testThreeMistakesAreAllReported() {
        let text = """
            {"version":1,"tenants":[{"id":"acme","api_keys":[{"env":"ACME_KEY"}],"connectors":[
              {"id":"a","type":"webhook","settings":{},"secrets":{"signing_secret":{"env":"HOOK_SECRET"}}},
              {"id":"b","type":"storage.floppy"},
              {"id":"c","type":"webhook","settings":{"url":"https://e.com"},"secrets":{"signing_secret":{"env":"NOT_SET"}}}
            ]}]}
            """
        XCTAssertThrowsError(try loader().load(bytes: Array(text.utf8))) { error in
            let paths = (error as! ValidationError).issues.map(\.path)
            XCTAssertEqual(paths, ["tenants[0].connectors[0].settings.url", "tenants[0].connectors[1].type", "tenants[0].connectors[2].secrets.signing_secret"])
        }
    }

    func testFileSecretsAndFilters() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ib-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("secret").path
        try (Self.secret + "\n").write(toFile: file, atomically: true, encoding: .utf8)
        let text = Self.config(connector: """
            {"id":"hook","type":"webhook","settings":{"url":"https://e.com"},"secrets":{"signing_secret":{"file":"\(file)"}},
             "filter":{"contract.kind":["support_maintenance"]},"on":["executed"]}
            """)
        let loaded = try loader().load(bytes: Array(text.utf8))
        let c = loaded.config.tenants[0].connectors[0]
        XCTAssertEqual(loaded.secrets[ConnectorKey(tenant: "acme", connector: "hook")]?["signing_secret"], Self.secret)
        func event(kind: String, status: String) throws -> ContractEvent {
            let json = #"{"id":"e","type":"contract.status_changed","occurred_at":"2026-01-01T00:00:00Z","contract":{"id":"c","sequence":1,"status":"\#(status)","kind":"\#(kind)"}}"#
            return try EventValidator.parseBody(Array(json.utf8)).get()[0]
        }
        XCTAssertTrue(c.accepts(try event(kind: "support_maintenance", status: "executed")))
        XCTAssertFalse(c.accepts(try event(kind: "nda", status: "executed")))
        XCTAssertFalse(c.accepts(try event(kind: "support_maintenance", status: "signed")))
    }
}
