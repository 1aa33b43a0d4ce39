import InkBridgeCore

/// `settings.fields`: CRM field (Salesforce field API name, HubSpot property
/// name) to `FieldRule`, in the order the user wrote them, which is the order
/// of the keys in the JSON sent.
struct FieldMapping: Sendable, Equatable {
    struct Entry: Sendable, Equatable {
        let field: String
        let rule: FieldRule
    }

    let entries: [Entry]

    var fieldNames: [String] { entries.map(\.field) }

    /// Parses `fields` (the JSON under `settings.fields`), reporting every problem
    /// under `issues`, whose prefix is the path of `fields` itself.
    static func parse(_ json: JSON, _ issues: inout IssueCollector) -> FieldMapping? {
        guard let o = json.objectValue, !o.isEmpty else {
            issues.add("", "must be a non-empty object from CRM field name to mapping")
            return nil
        }
        var entries: [Entry] = []
        var ok = true
        for (field, value) in o.entries {
            var fc = issues.nested(field)
            if !isFieldName(field) {
                fc.add("", "is not a CRM field name (letters, digits and '_', starting with a letter)")
            }
            if let rule = FieldRule.parse(value, &fc), fc.isEmpty {
                entries.append(Entry(field: field, rule: rule))
            } else {
                ok = false
            }
            issues.merge(fc)
        }
        return ok ? FieldMapping(entries: entries) : nil
    }

    /// The required `fields` setting of `settings`, parsed; problems are reported under
    /// `issues` (prefix `...settings`) as `fields` or `fields.<name>`.
    static func parse(settings: JSONObject, _ issues: inout IssueCollector) -> FieldMapping? {
        guard let json = settings["fields"] else {
            issues.add("fields", "required")
            return nil
        }
        var fc = issues.nested("fields")
        let mapping = parse(json, &fc)
        issues.merge(fc)
        return mapping
    }

    /// Salesforce API names (`Amount`, `Contract_Status__c`) and HubSpot
    /// internal property names (`dealstage`, `hs_priority`) share this shape;
    /// it also keeps names safe to put in a URL path.
    static func isFieldName(_ s: String) -> Bool {
        guard let first = s.utf8.first, s.utf8.count <= 255 else { return false }
        let isLetter = { (c: UInt8) in (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) }
        return isLetter(first) && s.utf8.allSatisfy { c in isLetter(c) || (c >= 0x30 && c <= 0x39) || c == 0x5F }
    }

    /// Every field's value for `event`, in mapping order; the first failure wins
    /// (a partial write would leave the record half updated).
    func resolve(_ event: ContractEvent) -> Result<[(field: String, value: JSON)], MappingFailure> {
        var out: [(field: String, value: JSON)] = []
        out.reserveCapacity(entries.count)
        for entry in entries {
            switch entry.rule.resolve(event, field: entry.field) {
            case .success(let v): out.append((entry.field, v))
            case .failure(let f): return .failure(f)
            }
        }
        return .success(out)
    }
}
