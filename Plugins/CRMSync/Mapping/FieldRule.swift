import InkBridgeCore

/// How one CRM field gets its value from an event (SPEC 4.1, "mapping"):
/// - `"contract.value.amount"`: the value at that event path;
/// - `{"const": VALUE}`: always VALUE (a string, number, boolean or null; null clears the field);
/// - `{"path": P, "map": {FROM: TO}, "default": V, "format": F}`: the value at P,
///   translated through `map` (compared as text, so `"4"` and `4` both match
///   `"4"`), else `default`; `format` reformats dates (see `ValueFormat`).
///
/// A value that is absent or null in the event uses `default` when there is one
/// and otherwise fails the delivery naming the path: an empty write would
/// silently wipe a CRM field. A value not in `map` behaves the same way, so a
/// status nobody mapped never lands raw in a picklist.
enum FieldRule: Sendable, Equatable {
    case constant(JSON)
    case path(PathRule)

    struct PathRule: Sendable, Equatable {
        var path: String
        var map: [String: JSON]?
        var defaultValue: JSON?
        var format: ValueFormat?
    }

    static let shapeHint = "must be an event path string, {\"const\": VALUE} or {\"path\": P, \"map\": {...}, \"default\": V, \"format\": F}"

    /// Parses one mapping entry, reporting problems under `issues`' prefix (`settings.fields.Amount`).
    static func parse(_ json: JSON, _ issues: inout IssueCollector) -> FieldRule? {
        switch json {
        case .string(let path):
            guard checkPath(path, key: "", &issues) else { return nil }
            return .path(PathRule(path: path))
        case .object(let o):
            if o["const"] != nil, o["path"] != nil {
                issues.add("", "give either \"const\" or \"path\", not both")
                return nil
            }
            if let value = o["const"] {
                for key in o.keys where key != "const" { issues.add(key, "unknown key (a const mapping holds only \"const\")") }
                guard isScalar(value) else { issues.add("const", "must be a string, number, boolean or null, not \(value.typeName)"); return nil }
                return o.count == 1 ? .constant(value) : nil
            }
            guard let pathJSON = o["path"] else { issues.add("", shapeHint); return nil }
            return parsePathObject(o, pathJSON, &issues).map(FieldRule.path)
        default:
            issues.add("", shapeHint + ", not \(json.typeName)")
            return nil
        }
    }

    private static func parsePathObject(_ o: JSONObject, _ pathJSON: JSON, _ issues: inout IssueCollector) -> PathRule? {
        var ok = true
        for key in o.keys where !["path", "map", "default", "format"].contains(key) {
            issues.add(key, "unknown key; known: path, map, default, format")
            ok = false
        }
        var rule = PathRule(path: "")
        if let path = pathJSON.stringValue {
            ok = checkPath(path, key: "path", &issues) && ok
            rule.path = path
        } else {
            issues.add("path", "must be an event path string, not \(pathJSON.typeName)")
            ok = false
        }
        if let mapJSON = o["map"] {
            if let m = mapJSON.objectValue, !m.isEmpty {
                var map: [String: JSON] = [:]
                for entry in m.entries {
                    if isScalar(entry.value) { map[entry.key] = entry.value } else {
                        issues.add("map.\(entry.key)", "must be a string, number, boolean or null, not \(entry.value.typeName)")
                        ok = false
                    }
                }
                rule.map = map
            } else {
                issues.add("map", "must be a non-empty object from event value to CRM value")
                ok = false
            }
        }
        if let d = o["default"] {
            if isScalar(d) { rule.defaultValue = d } else {
                issues.add("default", "must be a string, number, boolean or null, not \(d.typeName)")
                ok = false
            }
        }
        if let f = o["format"] {
            if let name = f.stringValue, let format = ValueFormat(rawValue: name) { rule.format = format } else {
                issues.add("format", "must be one of \(ValueFormat.names)")
                ok = false
            }
        }
        return ok ? rule : nil
    }

    private static func checkPath(_ path: String, key: String, _ issues: inout IssueCollector) -> Bool {
        if ConfigLoader.isValidEventPath(path) { return true }
        issues.add(key, "\(JSON.quoted(path)) is not an event path (dot-separated keys such as contract.value.amount)")
        return false
    }

    static func isScalar(_ v: JSON) -> Bool {
        switch v {
        case .array, .object: return false
        default: return true
        }
    }

    /// The value to write for `field`, or why there is none.
    func resolve(_ event: ContractEvent, field: String) -> Result<JSON, MappingFailure> {
        switch self {
        case .constant(let v):
            return .success(v)
        case .path(let rule):
            return rule.resolve(event, field: field)
        }
    }
}

extension FieldRule.PathRule {
    func resolve(_ event: ContractEvent, field: String) -> Result<JSON, MappingFailure> {
        var value: JSON
        if let raw = event[path: path], !raw.isNull {
            guard let text = raw.scalarText else {
                return .failure(.invalid(path, field: field, "is an \(raw.typeName), not a single value"))
            }
            if let map {
                if let to = map[text] { value = to } else if let defaultValue { value = defaultValue } else {
                    return .failure(.invalid(path, field: field, "\(JSON.quoted(text)) has no entry in the mapping's \"map\" and there is no \"default\""))
                }
            } else {
                value = raw
            }
        } else if let defaultValue {
            value = defaultValue
        } else {
            return .failure(.missing(path, field: field))
        }
        if let format, !value.isNull {
            guard let formatted = format.apply(value) else {
                return .failure(.invalid(path, field: field, "\(value.jsonText) is not a date or RFC 3339 date-time (format \(format.rawValue))"))
            }
            value = formatted
        }
        return .success(value)
    }
}
