import Foundation
import InkBridgeCore

/// One tenant of a benchmark hub: one webhook connector to `url`.
struct BenchTenant {
    let id: String
    let url: String
    var concurrency = 64

    var apiKey: String { "bench-key-\(id)" }
    var connectorID: String { "\(id)-hook" }
}

/// Writes connectors.json for a benchmark hub: tenants keyed by the SHA-256 of
/// their API key, webhook connectors with a signing secret read from a file,
/// private addresses allowed (every sink is on 127.0.0.1).
enum BenchHubConfig {
    static func write(_ tenants: [BenchTenant], dir: String) throws(BenchError) -> String {
        let secretPath = dir + "/signing_secret"
        let secret = "whsec_" + Data((0..<32).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }).base64EncodedString()
        try Workspace.write(secret, to: secretPath)
        let list: [JSON] = tenants.map { t in
            let connector: JSON = .object(JSONObject([
                ("id", .string(t.connectorID)),
                ("type", "webhook"),
                ("concurrency", JSON(t.concurrency)),
                ("settings", .object(JSONObject([("url", .string(t.url))]))),
                ("secrets", .object(JSONObject([("signing_secret", .object(JSONObject([("file", .string(secretPath))])))]))),
            ]))
            return .object(JSONObject([
                ("id", .string(t.id)),
                ("api_keys", .array([.object(JSONObject([("sha256", .string(Digest.sha256Hex(Array(t.apiKey.utf8))))]))])),
                ("connectors", .array([connector])),
            ]))
        }
        let root: JSON = .object(JSONObject([
            ("version", 1),
            ("network", .object(JSONObject([("allow_private", true)]))),
            ("tenants", .array(list)),
        ]))
        let path = dir + "/connectors.json"
        try Workspace.write(root.jsonText, to: path)
        return path
    }
}
