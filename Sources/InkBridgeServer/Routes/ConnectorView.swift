import Foundation
import InkBridgeCore

/// The item shape of `GET /v1/connectors` (SPEC section 8.1): configuration,
/// live health and backlog. Secrets appear only as names; header values that
/// carry credentials are redacted from the settings.
struct ConnectorView {
    let config: ConnectorConfig
    let health: ConnectorHealth?
    let backlog: Int

    var json: JSON {
        func date(_ d: Date?) -> JSON { d.map { .string(RFC3339.format($0)) } ?? .null }
        return .object(JSONObject([
            ("id", .string(config.id)),
            ("type", .string(config.type)),
            ("enabled", .bool(config.options.enabled)),
            ("paused", .bool(health?.paused ?? false)),
            ("circuit", .string((health?.circuit ?? .closed).rawValue)),
            ("backlog", JSON(backlog)),
            ("in_flight", JSON(health?.inFlight ?? 0)),
            ("last_success_at", date(health?.lastSuccessAt)),
            ("last_error", health?.lastError.map { .string($0) } ?? .null),
            ("last_error_at", date(health?.lastErrorAt)),
            ("on", .array(config.on.sorted().map { .string($0) })),
            ("settings", .object(Self.redacted(config.settings))),
            ("secrets", .array(config.secretRefs.keys.sorted().map { .string($0) })),
        ]))
    }

    /// Secrets belong in `secrets`, but a header such as `Authorization` is
    /// sometimes written into a connector's `headers` setting: its value is hidden.
    static func redacted(_ settings: JSONObject) -> JSONObject {
        var out = settings
        if let headers = settings["headers"]?.objectValue {
            var h = headers
            for key in headers.keys where isSensitiveHeader(key) { h[key] = .string("[redacted]") }
            out["headers"] = .object(h)
        }
        return out
    }

    static func isSensitiveHeader(_ name: String) -> Bool {
        let n = name.lowercased()
        if ["authorization", "proxy-authorization", "cookie"].contains(n) { return true }
        return ["token", "secret", "key", "password", "signature", "auth"].contains { n.contains($0) }
    }
}
