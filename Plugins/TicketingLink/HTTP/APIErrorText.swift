import Foundation
import InkBridgeCore

/// Pulls a system's own error words out of an error body. Each ticketing system has its shape
/// (wire-formats.md); anything else that is short plain text (Zendesk's 429 body) is used as is.
enum APIErrorText {
    /// Zendesk: `{"error":"RecordNotFound","description":"Not found"}`, `{"error":"Couldn't authenticate you"}`,
    /// `{"error":{"title":..,"message":..}}` or `{"errors":[{"title":..,"detail":..}]}`; 422s add `details`.
    static func zendesk(_ body: [UInt8]) -> String? {
        guard let json = try? JSONParser.parse(body) else { return plainText(body) }
        var parts: [String] = []
        switch json["error"] {
        case .string(let s)?: parts.append(s)
        case .object(let o)?: parts += [o["title"]?.stringValue, o["message"]?.stringValue].compactMap { $0 }
        default: break
        }
        if let d = json["description"]?.stringValue { parts.append(d) }
        if let details = json["details"]?.objectValue {
            for entry in details.entries {
                for item in entry.value.arrayValue ?? [] {
                    if let d = item["description"]?.stringValue { parts.append("\(entry.key): \(d)") }
                }
            }
        }
        for item in json["errors"]?.arrayValue ?? [] {
            parts += [item["title"]?.stringValue, item["detail"]?.stringValue].compactMap { $0 }
        }
        return parts.isEmpty ? nil : parts.joined(separator: ": ")
    }

    /// Jira platform: `{"errorMessages":[..],"errors":{field: message}}`;
    /// Service Management (`/rest/servicedeskapi`): `{"errorMessage":"..","i18nErrorMessage":{..}}`.
    static func jira(_ body: [UInt8]) -> String? {
        guard let json = try? JSONParser.parse(body) else { return plainText(body) }
        var parts: [String] = []
        if let m = json["errorMessage"]?.stringValue { parts.append(m) }
        parts += (json["errorMessages"]?.arrayValue ?? []).compactMap(\.stringValue)
        for entry in json["errors"]?.objectValue?.entries ?? [] {
            if let m = entry.value.stringValue { parts.append("\(entry.key): \(m)") }
        }
        return parts.isEmpty ? nil : parts.joined(separator: "; ")
    }

    /// ServiceNow: `{"error":{"message":"..","detail":".."},"status":"failure"}`; the OAuth
    /// endpoint answers `{"error":"access_denied","error_description":".."}`.
    static func serviceNow(_ body: [UInt8]) -> String? {
        guard let json = try? JSONParser.parse(body) else { return plainText(body) }
        var parts: [String] = []
        switch json["error"] {
        case .object(let o)?: parts += [o["message"]?.stringValue, o["detail"]?.stringValue].compactMap { $0 }.filter { !$0.isEmpty }
        case .string(let s)?: parts.append(s)
        default: break
        }
        if let d = json["error_description"]?.stringValue, !parts.contains(d) { parts.append(d) }
        return parts.isEmpty ? nil : parts.joined(separator: ": ")
    }

    /// A short plain-text body (not an HTML error page) as one line.
    static func plainText(_ body: [UInt8]) -> String? {
        let text = String(decoding: body.prefix(300), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty, !text.hasPrefix("<") else { return nil }
        return text.split(whereSeparator: \.isNewline).first.map(String.init)
    }
}
