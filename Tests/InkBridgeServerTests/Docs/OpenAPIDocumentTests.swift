import Foundation
import InkBridgeSandbox
import XCTest

/// Keeps docs/openapi.yaml true: every documented operation is served by a
/// live server, and every route the server has is documented.
final class OpenAPIDocumentTests: XCTestCase {
    struct Operation: Hashable, CustomStringConvertible {
        let method: String
        let path: String
        var description: String { "\(method) \(path)" }
    }

    static var documentURL: URL {
        var dir = URL(fileURLWithPath: #filePath)
        while dir.path != "/" && !FileManager.default.fileExists(atPath: dir.appendingPathComponent("Package.swift").path) {
            dir = dir.deletingLastPathComponent()
        }
        return dir.appendingPathComponent("docs/openapi.yaml")
    }

    /// A minimal reading of the `paths:` block: two-space keys are paths, four-space keys under them methods.
    static func documentedOperations() throws -> [Operation] {
        let text = try String(contentsOf: documentURL, encoding: .utf8)
        var operations: [Operation] = []
        var inPaths = false
        var current: String?
        let methods: Set<String> = ["get", "post", "put", "patch", "delete", "head", "options"]
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if !line.hasPrefix(" ") && !line.isEmpty && !line.hasPrefix("#") {
                inPaths = line == "paths:"
                continue
            }
            guard inPaths else { continue }
            if line.hasPrefix("  /"), line.hasSuffix(":"), !line.hasPrefix("   ") {
                current = String(line.dropFirst(2).dropLast())
            } else if line.hasPrefix("    "), !line.hasPrefix("     "), line.hasSuffix(":"), let path = current {
                let key = String(line.dropFirst(4).dropLast())
                if methods.contains(key) { operations.append(Operation(method: key.uppercased(), path: path)) }
            }
        }
        return operations
    }

    func testTheDocumentListsTheAPIOfSPECSection8() throws {
        let documented = Set(try Self.documentedOperations())
        XCTAssertEqual(documented.count, 15)
        XCTAssertTrue(documented.contains(Operation(method: "POST", path: "/v1/events")))
        XCTAssertTrue(documented.contains(Operation(method: "POST", path: "/v1/connectors/{id}/replay-dead")))
    }

    func testEveryRouteIsDocumentedAndNothingElse() async throws {
        let t = try await APITestHub()
        addTeardownBlock { await t.stop() }
        let served = Set(t.api.responder.routes.map { Operation(method: $0.method, path: $0.pattern.description) })
        let documented = Set(try Self.documentedOperations())
        XCTAssertEqual(served.subtracting(documented), [], "served but not documented")
        XCTAssertEqual(documented.subtracting(served), [], "documented but not served")
    }

    func testEveryDocumentedOperationAnswersOnALiveServer() async throws {
        let t = try await APITestHub()
        addTeardownBlock { await t.stop() }
        let ingest = try await t.ingest(TestEvents.executed(id: "evt_doc", contract: "ctr_doc", customer: "cust_doc"))
        let delivery = try XCTUnwrap(ingest.deliveries()["acme-hook"])
        let ids = ["/v1/events/": "evt_doc", "/v1/deliveries/": delivery, "/v1/connectors/": "acme-hook", "/v1/contracts/": "ctr_doc"]
        for op in try Self.documentedOperations() {
            var path = op.path
            if let prefix = ids.keys.first(where: { path.hasPrefix($0) }) {
                path = path.replacingOccurrences(of: "{id}", with: ids[prefix]!)
            }
            XCTAssertFalse(path.contains("{"), "no id for \(op)")
            if path == "/v1/entitlements" { path += "?customer_id=cust_doc" }
            let key: String? = switch op.path {
            case "/healthz", "/readyz": nil
            case "/metrics", "/v1/admin/reload": APITestHub.operatorToken
            default: APITestHub.acmeKey
            }
            let body = op.path == "/v1/events" ? TestEvents.json(id: "evt_doc_2") : nil
            let answer = try await t.client.call(op.method, path, key: key, json: body)
            XCTAssertFalse([404, 405].contains(answer.status), "\(op): \(answer.status) \(answer.text)")
            XCTAssertLessThan(answer.status, 500, "\(op): \(answer.text)")
        }
    }
}
