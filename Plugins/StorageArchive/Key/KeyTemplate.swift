import Foundation
import InkBridgeCore

/// A storage key (object key or relative file path) with placeholders, such as
/// `{tenant}/{contract.customer.id}/{yyyy}/{contract.id}/{filename}`.
///
/// Placeholders: `{tenant}`, `{yyyy}`, `{mm}`, `{dd}` (UTC date of `occurred_at`),
/// `{filename}` (`contract.document.filename`, else `document.pdf`) and any event
/// path (`{contract.id}`, `{id}`). The syntax is checked once at config load;
/// rendering checks the result with `ArchiveKey.problem(in:)` because the
/// values come from the event, which the tenant controls.
struct KeyTemplate: Sendable, Equatable {
    enum Part: Sendable, Equatable {
        case literal(String)
        case tenant, year, month, day, filename
        case eventPath(String)
    }

    static let defaultText = "{tenant}/{contract.customer.id}/{yyyy}/{contract.id}/{filename}"
    /// Used for `{filename}` when the event names none.
    static let defaultFilename = "document.pdf"

    let text: String
    let parts: [Part]

    /// Parses `text`, or answers why it is not a valid template.
    static func parse(_ text: String) -> Result<KeyTemplate, TemplateError> {
        var parts: [Part] = []
        var literal = ""
        var index = text.startIndex
        while index < text.endIndex {
            let c = text[index]
            if c == "}" { return .failure(TemplateError("'}' without a matching '{' at offset \(text.distance(from: text.startIndex, to: index))")) }
            guard c == "{" else { literal.append(c); index = text.index(after: index); continue }
            guard let close = text[index...].firstIndex(of: "}") else {
                return .failure(TemplateError("'{' without a matching '}' at offset \(text.distance(from: text.startIndex, to: index))"))
            }
            let name = String(text[text.index(after: index)..<close])
            if name.contains("{") { return .failure(TemplateError("placeholders cannot be nested: {\(name)}")) }
            guard let part = placeholder(name) else {
                return .failure(TemplateError("unknown placeholder {\(name)}: use {tenant}, {yyyy}, {mm}, {dd}, {filename} or an event path such as {contract.id}"))
            }
            if !literal.isEmpty { parts.append(.literal(literal)); literal = "" }
            parts.append(part)
            index = text.index(after: close)
        }
        if !literal.isEmpty { parts.append(.literal(literal)) }
        guard !parts.isEmpty else { return .failure(TemplateError("must not be empty")) }
        let template = KeyTemplate(text: text, parts: parts)
        // Render with harmless sample values: a template whose literal text already
        // escapes the root (`/abs`, `../x`, `a//b`) is refused at load time.
        if let problem = ArchiveKey.problem(in: template.sample()) { return .failure(TemplateError(problem)) }
        return .success(template)
    }

    static func placeholder(_ name: String) -> Part? {
        switch name {
        case "tenant": return .tenant
        case "yyyy": return .year
        case "mm": return .month
        case "dd": return .day
        case "filename": return .filename
        default: return ConfigLoader.isValidEventPath(name) ? .eventPath(name) : nil
        }
    }

    /// The key for one delivery, or why none can be made from this event.
    func render(tenant: String, event: ContractEvent) -> Result<String, TemplateError> {
        let date = RFC3339.formatDate(event.occurredAt)  // YYYY-MM-DD in UTC
        var out = ""
        for part in parts {
            switch part {
            case .literal(let s): out += s
            case .tenant: out += tenant
            case .year: out += date.prefix(4)
            case .month: out += date.dropFirst(5).prefix(2)
            case .day: out += date.suffix(2)
            case .filename:
                if let name = event[path: "contract.document.filename"]?.stringValue, !name.isEmpty {
                    out += name
                } else {
                    out += Self.defaultFilename
                }
            case .eventPath(let path):
                guard let value = event[path: path]?.scalarText, !value.isEmpty else {
                    return .failure(TemplateError("the event has no value at \(path), which the key template {\(path)} needs"))
                }
                out += value
            }
        }
        if let problem = ArchiveKey.problem(in: out) {
            return .failure(TemplateError("rendered key \(JSON.quoted(out)) \(problem)"))
        }
        return .success(out)
    }

    /// The template with every placeholder replaced by a plain segment-safe value.
    func sample() -> String {
        parts.map { part -> String in
            switch part {
            case .literal(let s): return s
            case .year: return "2026"
            case .month, .day: return "01"
            default: return "x"
            }
        }.joined()
    }
}

struct TemplateError: Error, Sendable, Equatable, CustomStringConvertible {
    let message: String
    init(_ message: String) { self.message = message }
    var description: String { message }
}
