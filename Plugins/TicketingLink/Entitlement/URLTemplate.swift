import Foundation
import InkBridgeCore

/// A URL with placeholders (`https://clm.example.com/contracts/{contract.id}`): `{tenant}`,
/// `{yyyy}` and `{mm}` (of `occurred_at`, UTC) and any event path. Substituted values are
/// percent-encoded, so an id with `/` or `?` cannot change the URL's shape.
public struct URLTemplate: Sendable, Equatable {
    enum Part: Sendable, Equatable {
        case literal(String)
        case placeholder(String)
    }

    let parts: [Part]
    public let text: String

    /// Parses a template; the error says what is wrong (for a config issue message).
    public static func parse(_ text: String) -> Result<URLTemplate, TemplateError> {
        var parts: [Part] = []
        var literal = ""
        var rest = Substring(text)
        while let c = rest.first {
            if c == "}" { return .failure(TemplateError("has a '}' without a matching '{'")) }
            if c != "{" {
                literal.append(c)
                rest = rest.dropFirst()
                continue
            }
            guard let close = rest.firstIndex(of: "}") else { return .failure(TemplateError("has a '{' without a matching '}'")) }
            let name = String(rest[rest.index(after: rest.startIndex)..<close])
            guard name == "tenant" || name == "yyyy" || name == "mm" || ConfigLoader.isValidEventPath(name) else {
                return .failure(TemplateError("placeholder {\(name)} is neither tenant, yyyy, mm nor an event path"))
            }
            if !literal.isEmpty { parts.append(.literal(literal)); literal = "" }
            parts.append(.placeholder(name))
            rest = rest[rest.index(after: close)...]
        }
        if !literal.isEmpty { parts.append(.literal(literal)) }
        let template = URLTemplate(parts: parts, text: text)
        guard let scheme = text.split(separator: ":", maxSplits: 1).first?.lowercased(), scheme == "https" || scheme == "http",
              text.dropFirst(scheme.count).hasPrefix("://") else {
            return .failure(TemplateError("must start with https:// or http://"))
        }
        return .success(template)
    }

    /// The URL for one event, or the placeholder whose value the event lacks.
    public func expand(event: ContractEvent, tenantID: String) -> Result<String, TemplateError> {
        var out = ""
        for part in parts {
            switch part {
            case .literal(let s): out += s
            case .placeholder(let name):
                let value: String?
                switch name {
                case "tenant": value = tenantID
                case "yyyy": value = String(RFC3339.formatDate(event.occurredAt).prefix(4))
                case "mm": value = String(RFC3339.formatDate(event.occurredAt).dropFirst(5).prefix(2))
                default: value = event[path: name]?.scalarText
                }
                guard let value, !value.isEmpty else {
                    return .failure(TemplateError("the event has no value at \(name) for the template \(text)"))
                }
                out += Self.percentEncode(value)
            }
        }
        return .success(out)
    }

    /// RFC 3986 unreserved characters stay; everything else is percent-encoded.
    public static func percentEncode(_ s: String) -> String {
        var out = ""
        for b in s.utf8 {
            switch b {
            case 0x30...0x39, 0x41...0x5A, 0x61...0x7A, 0x2D, 0x2E, 0x5F, 0x7E: out.unicodeScalars.append(UnicodeScalar(b))
            default: out += String(format: "%%%02X", b)
            }
        }
        return out
    }
}

public struct TemplateError: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
