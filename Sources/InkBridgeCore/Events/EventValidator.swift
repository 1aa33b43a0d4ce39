import Foundation

/// Validates the canonical event (SPEC section 2), reporting every problem with its field path.
public enum EventValidator {
    public static let maxBatch = 500

    /// Validates one event object; `raw` are its exact bytes.
    public static func validate(_ json: JSON, raw: [UInt8], pathPrefix: String = "") -> Result<ContractEvent, ValidationError> {
        var issues = IssueCollector(prefix: pathPrefix)
        guard let object = json.objectValue else {
            issues.add("", "must be a JSON object, not \(json.typeName)")
            return .failure(ValidationError(issues.issues))
        }
        let id = requireString(object, "id", &issues, maxLength: 128)
        if let id, Self.mayHoldLineBreak(id), id.contains(where: { $0.isNewline || $0 == "\u{0}" }) {
            issues.add("id", "must not contain control characters")
        }
        let type = requireString(object, "type", &issues, maxLength: 128)
        if let type, !EventType.all.contains(type) {
            issues.add("type", "must be one of \(EventType.all.sorted().joined(separator: ", "))")
        }
        var occurredAt: Date?
        if let text = requireString(object, "occurred_at", &issues, maxLength: 64) {
            occurredAt = RFC3339.parse(text)
            if occurredAt == nil { issues.add("occurred_at", "must be an RFC 3339 date-time, e.g. 2026-11-21T10:15:00Z") }
        }
        var contractID: String?
        var sequence: Int64?
        var status: String?
        switch object["contract"] {
        case nil: issues.add("contract", "required")
        case .object(let contract)?:
            var c = issues.nested("contract")
            contractID = requireString(contract, "id", &c, maxLength: 128)
            switch contract["sequence"] {
            case nil: c.add("sequence", "required")
            case .number(let n)?:
                if let v = Int64(n), v >= 0 { sequence = v } else { c.add("sequence", "must be an integer >= 0") }
            case let other?: c.add("sequence", "must be an integer >= 0, not \(other.typeName)")
            }
            status = requireString(contract, "status", &c, maxLength: 64)
            if let s = status, !ContractStatus.allNames.contains(s) {
                c.add("status", "unknown status \"\(s)\"; one of \(ContractStatus.allCases.map(\.rawValue).joined(separator: " "))")
            }
            if let prev = contract["previous_status"], !prev.isNull {
                if let p = prev.stringValue {
                    if !ContractStatus.allNames.contains(p) { c.add("previous_status", "unknown status \"\(p)\"") }
                } else {
                    c.add("previous_status", "must be a string, not \(prev.typeName)")
                }
            }
            validateOptional(contract, &c)
            issues.merge(c)
        case let other?: issues.add("contract", "must be an object, not \(other.typeName)")
        }
        guard issues.isEmpty, let id, let type, let occurredAt, let contractID, let sequence, let status else {
            return .failure(ValidationError(issues.issues))
        }
        return .success(ContractEvent(id: id, type: type, occurredAt: occurredAt, contractID: contractID,
                                      sequence: sequence, status: status, body: json, raw: raw))
    }

    /// Keys of optional fields, made once (a literal array is allocated at every use).
    enum Keys {
        static let text = ["title", "kind"]
        static let dates = ["effective_date", "expiry_date"]
        static let customer = ["id", "name", "crm_ref", "ticketing_ref"]
        static let targets = ["first_response_minutes", "resolution_minutes"]
    }

    /// Optional fields are passed through, but when present they must have the documented shape.
    static func validateOptional(_ contract: JSONObject, _ c: inout IssueCollector) {
        for key in Keys.text { optionalString(contract, key, &c) }
        for key in Keys.dates {
            if let s = optionalString(contract, key, &c), RFC3339.parseDate(s) == nil {
                c.add(key, "must be a date YYYY-MM-DD")
            }
        }
        if let customer = contract["customer"] {
            if let o = customer.objectValue {
                var cc = c.nested("customer")
                for key in Keys.customer { optionalString(o, key, &cc) }
                c.merge(cc)
            } else if !customer.isNull { c.add("customer", "must be an object, not \(customer.typeName)") }
        }
        if let value = contract["value"] {
            if let o = value.objectValue {
                var vc = c.nested("value")
                if let amount = o["amount"] {
                    switch amount {
                    case .string(let s) where Double(s) != nil: break
                    case .number: break
                    default: vc.add("amount", "must be a decimal number or a string holding one")
                    }
                }
                if let cur = optionalString(o, "currency", &vc), cur.count != 3 || !cur.allSatisfy({ $0.isUppercase && $0.isASCII }) {
                    vc.add("currency", "must be an ISO 4217 code such as USD")
                }
                c.merge(vc)
            } else if !value.isNull { c.add("value", "must be an object, not \(value.typeName)") }
        }
        if let sla = contract["sla"] {
            if let o = sla.objectValue {
                var sc = c.nested("sla")
                optionalString(o, "tier", &sc)
                optionalString(o, "business_hours", &sc)
                if let targets = o["targets"] {
                    if let list = targets.arrayValue {
                        for (i, t) in list.enumerated() {
                            var tc = sc.nested("targets[\(i)]")
                            if let to = t.objectValue {
                                if to["severity"]?.stringValue == nil { tc.add("severity", "required string") }
                                for k in Keys.targets {
                                    if let v = to[k], !(v.int64Value.map { $0 >= 0 } ?? false) { tc.add(k, "must be an integer >= 0") }
                                }
                            } else { tc.add("", "must be an object") }
                            sc.merge(tc)
                        }
                    } else { sc.add("targets", "must be an array, not \(targets.typeName)") }
                }
                c.merge(sc)
            } else if !sla.isNull { c.add("sla", "must be an object, not \(sla.typeName)") }
        }
        if let doc = contract["document"] {
            if let o = doc.objectValue {
                var dc = c.nested("document")
                if let url = optionalString(o, "url", &dc), !(url.hasPrefix("https://") || url.hasPrefix("http://")) {
                    dc.add("url", "must be an http(s) URL")
                }
                if let h = optionalString(o, "sha256", &dc), h.count != 64 || !h.allSatisfy({ $0.isHexDigit }) {
                    dc.add("sha256", "must be 64 hexadecimal characters")
                }
                optionalString(o, "filename", &dc)
                optionalString(o, "content_type", &dc)
                c.merge(dc)
            } else if !doc.isNull { c.add("document", "must be an object, not \(doc.typeName)") }
        }
    }

    static func requireString(_ o: JSONObject, _ key: String, _ issues: inout IssueCollector, maxLength: Int) -> String? {
        guard let v = o[key] else { issues.add(key, "required"); return nil }
        guard let s = v.stringValue else { issues.add(key, "must be a string, not \(v.typeName)"); return nil }
        if s.isEmpty { issues.add(key, "must not be empty"); return nil }
        // Counting characters walks grapheme clusters; no more bytes than the limit means no more characters.
        if s.utf8.count > maxLength, s.count > maxLength { issues.add(key, "must be at most \(maxLength) characters"); return nil }
        return s
    }

    /// False when every byte is ASCII and none is NUL or a line break (the usual id): the
    /// character-by-character check is then not needed.
    static func mayHoldLineBreak(_ s: String) -> Bool {
        s.utf8.contains { $0 >= 0x80 || $0 == 0 || (0x0A...0x0D).contains($0) }
    }

    @discardableResult
    static func optionalString(_ o: JSONObject, _ key: String, _ issues: inout IssueCollector) -> String? {
        guard let v = o[key], !v.isNull else { return nil }
        guard let s = v.stringValue else { issues.add(key, "must be a string, not \(v.typeName)"); return nil }
        return s
    }

    /// Parses a request body: one event object or an array of 1...500. Each element keeps its own bytes.
    public static func parseBody(_ bytes: [UInt8]) -> Result<[ContractEvent], ValidationError> {
        let parsed: (JSON, [Range<Int>]?)
        do { parsed = try JSONParser.parseWithElementRanges(bytes) } catch {
            return .failure(ValidationError([FieldIssue(path: "", message: error.description)]))
        }
        switch parsed {
        case (.array(let elements), let ranges?):
            if elements.isEmpty { return .failure(ValidationError([FieldIssue(path: "", message: "a batch must hold at least one event")])) }
            if elements.count > maxBatch { return .failure(ValidationError([FieldIssue(path: "", message: "a batch holds at most \(maxBatch) events, not \(elements.count)")])) }
            var events: [ContractEvent] = []
            var issues: [FieldIssue] = []
            for (i, element) in elements.enumerated() {
                switch validate(element, raw: Array(bytes[ranges[i]]), pathPrefix: "[\(i)]") {
                case .success(let e): events.append(e)
                case .failure(let f): issues.append(contentsOf: f.issues)
                }
            }
            return issues.isEmpty ? .success(events) : .failure(ValidationError(issues))
        case (let single, _):
            return validate(single, raw: trimmed(bytes)).map { [$0] }
        }
    }

    static func trimmed(_ bytes: [UInt8]) -> [UInt8] {
        var lo = 0, hi = bytes.count
        while lo < hi, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[lo]) { lo += 1 }
        while hi > lo, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[hi - 1]) { hi -= 1 }
        return lo == 0 && hi == bytes.count ? bytes : Array(bytes[lo..<hi])
    }
}
