import Foundation

/// The slice of JQL the Jira emulator understands: clauses joined by `AND`, each
/// `organizations = <id or "name">` or `statusCategory (=|!=) <Done | "To Do" | "In Progress">`.
/// Anything else is refused the way Jira refuses a bad query (400), so a connector that sends
/// JQL the emulator does not know fails loudly instead of matching everything.
struct JiraJQLFilter: Sendable {
    enum Clause: Sendable {
        case organization(id: Int64?, name: String?)
        case statusCategory(JiraIssue.StatusCategory, equal: Bool)
    }

    let clauses: [Clause]

    struct ParseError: Error {
        let message: String
    }

    static func parse(_ jql: String) -> Result<JiraJQLFilter, ParseError> {
        let tokens: [String]
        switch tokenize(jql) {
        case .success(let t): tokens = t
        case .failure(let e): return .failure(e)
        }
        var clauses: [Clause] = []
        var i = 0
        while i < tokens.count {
            guard i + 2 < tokens.count else { return .failure(ParseError(message: "Error in the JQL Query: Expecting a clause at the end of the query.")) }
            let field = tokens[i].lowercased(), op = tokens[i + 1], value = tokens[i + 2]
            switch (field, op) {
            case ("organizations", "="), ("organization", "="):
                if value.hasPrefix("\"") { clauses.append(.organization(id: nil, name: unquote(value))) }
                else if let id = Int64(value) { clauses.append(.organization(id: id, name: nil)) }
                else { clauses.append(.organization(id: nil, name: value)) }
            case ("statuscategory", "="), ("statuscategory", "!="):
                guard let category = category(unquote(value)) else {
                    return .failure(ParseError(message: "The value '\(unquote(value))' does not exist for the field 'statusCategory'."))
                }
                clauses.append(.statusCategory(category, equal: op == "="))
            default:
                return .failure(ParseError(message: "Error in the JQL Query: the emulator does not support '\(tokens[i]) \(op)'."))
            }
            i += 3
            if i < tokens.count {
                guard tokens[i].uppercased() == "AND" else {
                    return .failure(ParseError(message: "Error in the JQL Query: Expecting 'AND' but got '\(tokens[i])'."))
                }
                i += 1
                if i == tokens.count { return .failure(ParseError(message: "Error in the JQL Query: Expecting a clause after 'AND'.")) }
            }
        }
        return .success(JiraJQLFilter(clauses: clauses))
    }

    func matches(_ issue: JiraIssue, organizations: [Int64: JiraOrganization]) -> Bool {
        clauses.allSatisfy { clause in
            switch clause {
            case .organization(let id, let name):
                return issue.organizationIDs.contains { orgID in
                    if let id { return orgID == id }
                    return organizations[orgID]?.name == name
                }
            case .statusCategory(let category, let equal):
                return (issue.statusCategory == category) == equal
            }
        }
    }

    static func category(_ value: String) -> JiraIssue.StatusCategory? {
        switch value.lowercased() {
        case "done": return .done
        case "to do", "new": return .new
        case "in progress", "indeterminate": return .indeterminate
        default: return nil
        }
    }

    static func unquote(_ s: String) -> String {
        guard s.count >= 2, s.hasPrefix("\"") else { return s }
        return String(s.dropFirst().dropLast()).replacingOccurrences(of: "\\\"", with: "\"").replacingOccurrences(of: "\\\\", with: "\\")
    }

    /// Words, `=`, `!=` and double-quoted strings (quotes kept, `\"` escapes honoured).
    static func tokenize(_ jql: String) -> Result<[String], ParseError> {
        var tokens: [String] = []
        var chars = Array(jql)[...]
        while let c = chars.first {
            if c.isWhitespace { chars = chars.dropFirst(); continue }
            if c == "=" { tokens.append("="); chars = chars.dropFirst(); continue }
            if c == "!" {
                guard chars.dropFirst().first == "=" else { return .failure(ParseError(message: "Error in the JQL Query: '!' must be followed by '='.")) }
                tokens.append("!="); chars = chars.dropFirst(2); continue
            }
            if c == "\"" {
                var token = "\""
                chars = chars.dropFirst()
                var closed = false
                while let d = chars.first {
                    chars = chars.dropFirst()
                    if d == "\\", let e = chars.first { token.append(d); token.append(e); chars = chars.dropFirst(); continue }
                    token.append(d)
                    if d == "\"" { closed = true; break }
                }
                guard closed else { return .failure(ParseError(message: "Error in the JQL Query: unterminated string.")) }
                tokens.append(token)
                continue
            }
            var word = ""
            while let d = chars.first, !d.isWhitespace, d != "=", d != "!", d != "\"" { word.append(d); chars = chars.dropFirst() }
            tokens.append(word)
        }
        return .success(tokens)
    }
}
