import Foundation
import InkBridgeCore

/// Reads a connector's `settings` object with typed accessors, reporting each problem under
/// `settings.<key>` so `inkbridge validate` can point at it. Used both by `validate` and by
/// `makeConnector`, so the two can never disagree about what is valid.
struct SettingsReader {
    let settings: JSONObject
    var issues: IssueCollector

    init(_ config: ConnectorConfig, issues parent: IssueCollector) {
        self.settings = config.settings
        self.issues = parent.nested("settings")
    }

    mutating func rejectUnknown(known: Set<String>) {
        for key in settings.keys where !known.contains(key) {
            issues.add(key, "unknown setting; known: \(known.sorted().joined(separator: ", "))")
        }
    }

    /// A non-empty string, or nil (reported when required or of the wrong type).
    mutating func string(_ key: String, required: Bool = false) -> String? {
        switch settings[key] {
        case nil, .null?:
            if required { issues.add(key, "required") }
            return nil
        case .string(let s)?:
            if s.isEmpty { issues.add(key, "must not be empty"); return nil }
            return s
        case let v?:
            issues.add(key, "must be a string, not \(v.typeName)")
            return nil
        }
    }

    /// An http(s) URL with a host and no query or fragment, without its trailing slash, so
    /// API paths can be appended to it.
    mutating func baseURL(_ key: String, required: Bool = true) -> String? {
        guard let s = string(key, required: required) else { return nil }
        guard let c = URLComponents(string: s), let scheme = c.scheme?.lowercased(), scheme == "https" || scheme == "http",
              let host = c.host, !host.isEmpty, c.query == nil, c.fragment == nil, c.user == nil, c.password == nil else {
            issues.add(key, "must be an http(s) URL such as https://example.zendesk.com, without query or credentials")
            return nil
        }
        var trimmed = s
        while trimmed.hasSuffix("/") { trimmed.removeLast() }
        return trimmed
    }

    /// A dotted event path, or `fallback` when absent.
    mutating func eventPath(_ key: String, default fallback: String) -> String {
        guard let s = string(key) else { return fallback }
        guard ConfigLoader.isValidEventPath(s) else {
            issues.add(key, "must be an event path such as contract.customer.ticketing_ref")
            return fallback
        }
        return s
    }

    mutating func template(_ key: String) -> URLTemplate? {
        guard let s = string(key) else { return nil }
        switch URLTemplate.parse(s) {
        case .success(let t): return t
        case .failure(let e):
            issues.add(key, e.message)
            return nil
        }
    }

    /// A name made of letters, digits and `_` (a table or column), or `fallback` when absent.
    mutating func identifier(_ key: String, default fallback: String) -> String {
        guard let s = string(key) else { return fallback }
        guard s.count <= 80, s.utf8.allSatisfy({ Self.isIdentifierByte($0) }) else {
            issues.add(key, "must be a name of letters, digits and '_'")
            return fallback
        }
        return s
    }

    /// An object from a name to a string; `allowed` limits the values (reported with the allowed list).
    mutating func stringMap(_ key: String, allowed: [String]? = nil, keyCheck: ((String) -> String?)? = nil) -> [(key: String, value: String)]? {
        switch settings[key] {
        case nil, .null?: return nil
        case .object(let o)?:
            var out: [(key: String, value: String)] = []
            for entry in o.entries {
                let path = "\(key).\(entry.key)"
                if let problem = keyCheck?(entry.key) { issues.add(path, problem); continue }
                guard let v = entry.value.stringValue else { issues.add(path, "must be a string, not \(entry.value.typeName)"); continue }
                if let allowed, !allowed.contains(v) {
                    issues.add(path, "must be one of \(allowed.joined(separator: ", ")), not \"\(v)\"")
                    continue
                }
                out.append((entry.key, v))
            }
            return out
        case let v?:
            issues.add(key, "must be an object, not \(v.typeName)")
            return nil
        }
    }

    static func isIdentifierByte(_ c: UInt8) -> Bool {
        (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x5F
    }
}
