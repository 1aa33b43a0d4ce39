import Foundation
import InkBridgeCore
import InkBridgeSandbox
import XCTest

/// The `inkbridge` binary's commands and exit codes (SPEC section 9).
final class CLITests: XCTestCase {
    var dir: String!

    override func setUp() { dir = SandboxPaths.temporaryDirectory(prefix: "inkbridge-cli") }
    override func tearDown() { try? FileManager.default.removeItem(atPath: dir) }

    var masterKey: String { Data(repeating: 7, count: 32).base64EncodedString() }

    func config(secretRef: String) -> String {
        """
        {"version":1,"tenants":[{"id":"acme","api_keys":[{"sha256":"\(String(repeating: "0", count: 64))"}],
         "connectors":[{"id":"hook","type":"webhook","settings":{"url":"https://hooks.example.com/c"},
                        "secrets":{"signing_secret":\(secretRef)}}]}]}
        """
    }

    func testSecretsSetSealsTheValueAndASecretReferenceResolvesIt() throws {
        let store = "sqlite:\(dir!)/hub.db"
        let path = dir + "/connectors.json"
        try config(secretRef: #"{"secret":"acme/hook_secret"}"#).write(toFile: path, atomically: true, encoding: .utf8)
        let env = ["INKBRIDGE_MASTER_KEY": masterKey]

        let before = try runCLI(["validate", path, "--store", store], environment: env)
        XCTAssertEqual(before.status, 2)
        XCTAssertTrue(before.stderr.contains("secrets.signing_secret: secret acme/hook_secret is not in the secret store"), before.stderr)

        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
        let set = try runCLI(["secrets", "set", "acme", "hook_secret", "--store", store], environment: env, stdin: secret + "\n")
        XCTAssertEqual(set.status, 0, set.stderr)
        XCTAssertFalse(set.stdout.contains(secret) || set.stderr.contains(secret), "the value is never printed")
        let raw = try Data(contentsOf: URL(fileURLWithPath: dir + "/hub.db")) + ((try? Data(contentsOf: URL(fileURLWithPath: dir + "/hub.db-wal"))) ?? Data())
        XCTAssertNil(raw.range(of: Data(secret.utf8)), "the store holds the value sealed, never in clear text")

        let after = try runCLI(["validate", path, "--store", store], environment: env)
        XCTAssertEqual(after.status, 0, after.stderr)

        let wrongKey = try runCLI(["validate", path, "--store", store], environment: ["INKBRIDGE_MASTER_KEY": Data(repeating: 8, count: 32).base64EncodedString()])
        XCTAssertEqual(wrongKey.status, 2, "another master key cannot open it")

        try config(secretRef: #"{"secret":"globex/hook_secret"}"#).write(toFile: path, atomically: true, encoding: .utf8)
        let foreign = try runCLI(["validate", path, "--store", store], environment: env)
        XCTAssertEqual(foreign.status, 2)
        XCTAssertTrue(foreign.stderr.contains("belongs to another tenant"), foreign.stderr)

        let audit = try runCLI(["audit", "verify", "--store", store])
        XCTAssertEqual(audit.status, 0, audit.stderr)
        XCTAssertTrue(audit.stdout.contains("1 entry"), audit.stdout)
    }

    func testUsageErrorsExitTwoWithOneLine() throws {
        for args in [["frobnicate"], ["emit"], ["emit", "--tenant"], ["deliveries", "--status", "lost"], ["replay"], ["events", "show", "x"],
                     ["secrets", "set", "acme"]] {
            let r = try runCLI(args + ["--store", "sqlite:\(dir!)/hub.db"])
            XCTAssertEqual(r.status, 2, "\(args): \(r.stderr)")
            XCTAssertFalse(r.stderr.isEmpty, "\(args) says why")
        }
        let missing = try runCLI(["validate", dir + "/nope.json"])
        XCTAssertEqual(missing.status, 2)
        XCTAssertTrue(missing.stderr.contains("cannot read"), missing.stderr)
    }

    func testValidateReportsEveryCRMMistakeWithItsPath() throws {
        let path = dir + "/connectors.json"
        try """
        {"version":1,"tenants":[{"id":"acme","api_keys":[{"sha256":"\(String(repeating: "0", count: 64))"}],"connectors":[
          {"id":"crm","type":"crm.salesforce",
           "settings":{"object":"Opportunity","record_ref":"contract.customer.crm_ref",
                       "fields":{"Amount":"contract..value","Contract_Status__c":"contract.status"}},
           "secrets":{"client_id":{"env":"SF_ID"}}}]}]}
        """.write(toFile: path, atomically: true, encoding: .utf8)
        let r = try runCLI(["validate", path], environment: ["SF_ID": "id"])
        XCTAssertEqual(r.status, 2)
        for expected in ["tenants[0].connectors[0].settings.instance_url: required",
                         "tenants[0].connectors[0].settings.fields.Amount:",
                         "tenants[0].connectors[0].secrets.client_secret: required"] {
            XCTAssertTrue(r.stderr.contains(expected), "missing \(expected) in:\n\(r.stderr)")
        }
        XCTAssertTrue(r.stderr.contains("3 problems"), r.stderr)
    }

    func testAuditVerifyDetectsTampering() throws {
        let store = "sqlite:\(dir!)/hub.db"
        let env = ["INKBRIDGE_MASTER_KEY": masterKey]
        for name in ["a", "b", "c"] {
            XCTAssertEqual(try runCLI(["secrets", "set", "acme", name, "--store", store], environment: env, stdin: "value-\(name)").status, 0)
        }
        XCTAssertEqual(try runCLI(["audit", "verify", "--store", store]).status, 0)
        let db = try SQLiteEventStore(path: dir + "/hub.db")
        db.close()
        // Edit one entry behind the hub's back.
        let sqlite = Process()
        sqlite.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        sqlite.arguments = ["python3", "-c", "import sqlite3; c=sqlite3.connect('\(dir!)/hub.db'); c.execute(\"UPDATE audit SET detail='acme/z' WHERE seq=2\"); c.commit()"]
        try sqlite.run()
        sqlite.waitUntilExit()
        XCTAssertEqual(sqlite.terminationStatus, 0)
        let verify = try runCLI(["audit", "verify", "--store", store])
        XCTAssertEqual(verify.status, 1)
        XCTAssertTrue(verify.stderr.contains("tampered"), verify.stderr)
    }
}
