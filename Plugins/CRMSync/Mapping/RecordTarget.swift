import InkBridgeCore

/// Which CRM record an event writes: the one whose id is at an event path
/// (`record_ref`), or the one whose external id / unique property has the
/// value at an event path (`upsert`), created when there is none.
enum RecordTarget: Sendable, Equatable {
    case recordID(path: String)
    /// `key` is the Salesforce external id field or the HubSpot unique property.
    case upsert(key: String, path: String)

    /// Parses `record_ref` / `upsert` from `settings` (issues under the settings
    /// prefix). `keyName` is `field` for Salesforce and `property` for HubSpot.
    static func parse(_ settings: JSONObject, keyName: String, _ issues: inout IssueCollector) -> RecordTarget? {
        let upsertShape = "{\"\(keyName)\": NAME, \"path\": EVENT_PATH}"
        switch (settings["record_ref"], settings["upsert"]) {
        case (nil, nil):
            issues.add("record_ref", "required: record_ref (event path of the record id) or upsert \(upsertShape)")
            return nil
        case (_?, _?):
            issues.add("upsert", "give either record_ref or upsert, not both")
            return nil
        case (let ref?, nil):
            guard let path = ref.stringValue, ConfigLoader.isValidEventPath(path) else {
                issues.add("record_ref", "must be an event path (dot-separated keys such as contract.customer.crm_ref)")
                return nil
            }
            return .recordID(path: path)
        case (nil, let upsert?):
            guard let o = upsert.objectValue else { issues.add("upsert", "must be \(upsertShape)"); return nil }
            var uc = issues.nested("upsert")
            for key in o.keys where key != keyName && key != "path" { uc.add(key, "unknown key; known: \(keyName), path") }
            var key: String?
            switch o[keyName] {
            case .string(let k)? where FieldMapping.isFieldName(k): key = k
            case nil: uc.add(keyName, "required")
            default: uc.add(keyName, "must be a CRM field name (letters, digits and '_', starting with a letter)")
            }
            var path: String?
            switch o["path"] {
            case .string(let p)? where ConfigLoader.isValidEventPath(p): path = p
            case nil: uc.add("path", "required")
            default: uc.add("path", "must be an event path (dot-separated keys such as contract.id)")
            }
            let ok = uc.isEmpty
            issues.merge(uc)
            guard ok, let key, let path else { return nil }
            return .upsert(key: key, path: path)
        }
    }

    var path: String {
        switch self {
        case .recordID(let p), .upsert(_, let p): return p
        }
    }

    /// The record id or external key value for `event`: a non-empty scalar.
    func value(in event: ContractEvent) -> Result<String, MappingFailure> {
        guard let raw = event[path: path], !raw.isNull else { return .failure(.missing(path, field: nil)) }
        guard let text = raw.scalarText else { return .failure(.invalid(path, field: nil, "is an \(raw.typeName), not a record key")) }
        guard !text.isEmpty else { return .failure(.invalid(path, field: nil, "is empty, not a record key")) }
        return .success(text)
    }
}
