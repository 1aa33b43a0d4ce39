/// An encoded query (`sysparm_query`) as the Table API reads it: conditions joined by `^`
/// (a literal `^` in a value is `^^`), each `field=value` or `field!=value`. Like ServiceNow, a
/// part it does not understand (`ORDERBYnumber`, other operators) is ignored rather than refused.
struct ServiceNowQuery: Sendable {
    struct Condition: Sendable {
        let field: String
        let value: String
        let equal: Bool
    }

    let conditions: [Condition]

    init(_ encoded: String) {
        var parts: [String] = []
        var current = ""
        var chars = Array(encoded)[...]
        while let c = chars.first {
            chars = chars.dropFirst()
            if c == "^" {
                if chars.first == "^" { current.append("^"); chars = chars.dropFirst(); continue }
                parts.append(current)
                current = ""
            } else {
                current.append(c)
            }
        }
        parts.append(current)
        conditions = parts.compactMap { part in
            if let r = part.range(of: "!=") {
                return Condition(field: String(part[..<r.lowerBound]), value: String(part[r.upperBound...]), equal: false)
            }
            if let r = part.range(of: "="), !part[..<r.lowerBound].isEmpty {
                return Condition(field: String(part[..<r.lowerBound]), value: String(part[r.upperBound...]), equal: true)
            }
            return nil
        }
    }

    func matches(_ record: ServiceNowRecord) -> Bool {
        conditions.allSatisfy { c in ((record.fields[c.field] ?? "") == c.value) == c.equal }
    }
}
