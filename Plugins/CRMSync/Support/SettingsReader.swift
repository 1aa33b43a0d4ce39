import Foundation
import InkBridgeCore

/// Small checks shared by both CRM plugins' settings validation. Each reports
/// into an `IssueCollector` whose prefix is `...settings`.
enum SettingsReader {
    static func rejectUnknownKeys(_ o: JSONObject, allowed: [String], _ issues: inout IssueCollector) {
        for key in o.keys where !allowed.contains(key) {
            issues.add(key, "unknown setting; known: \(allowed.joined(separator: ", "))")
        }
    }

    /// A required or optional string setting.
    static func string(_ o: JSONObject, _ key: String, required: Bool, _ issues: inout IssueCollector) -> String? {
        switch o[key] {
        case nil:
            if required { issues.add(key, "required") }
            return nil
        case .string(let s)? where !s.isEmpty:
            return s
        case let v?:
            issues.add(key, "must be a non-empty string, not \(v.typeName == "string" ? "an empty one" : v.typeName)")
            return nil
        }
    }

    /// A base URL: `https://host[:port][/path]`, or `http://` to a loopback host
    /// (the local emulators). Plain http elsewhere would send OAuth secrets and
    /// tokens in clear text. Returned without a trailing slash.
    static func baseURL(_ o: JSONObject, _ key: String, required: Bool, _ issues: inout IssueCollector) -> String? {
        guard let text = string(o, key, required: required, &issues) else { return nil }
        guard let url = URLComponents(string: text), let scheme = url.scheme?.lowercased(), let host = url.host, !host.isEmpty,
              url.query == nil, url.fragment == nil, url.user == nil, url.password == nil
        else {
            issues.add(key, "must be an absolute https URL without query, e.g. https://acme.my.salesforce.com")
            return nil
        }
        let loopback = host == "localhost" || host.hasPrefix("127.") || host == "::1" || host == "[::1]"
        guard scheme == "https" || (scheme == "http" && loopback) else {
            issues.add(key, "must use https (http is accepted only for a loopback host)")
            return nil
        }
        return text.hasSuffix("/") ? String(text.dropLast()) : text
    }

    /// A name that goes into a URL path as is (object names, object types).
    static func isPathName(_ s: String) -> Bool {
        !s.isEmpty && s.utf8.count <= 255 && s.utf8.allSatisfy { c in
            (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x5F || c == 0x2D
        }
    }

    static func requireSecret(_ name: String, _ secrets: ResolvedSecrets, _ issues: inout IssueCollector) {
        if secrets[name] == nil { issues.add("secrets.\(name)", "required") }
    }
}
