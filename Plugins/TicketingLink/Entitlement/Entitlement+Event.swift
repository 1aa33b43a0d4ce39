import InkBridgeCore

extension Entitlement {
    /// Derives the entitlement an event grants or revokes. Pure: the same event always gives
    /// the same entitlement, which is what makes a repeated delivery write the same values.
    ///
    /// A grant needs `contract.sla.tier` (there is no SLA to grant without one); a revoke takes
    /// whatever the event still carries. Malformed SLA parts are reported with their event path
    /// rather than silently dropped, since a half-written entitlement would look valid to support staff.
    public static func derive(from event: ContractEvent, change: Change, tenantID: String,
                              contractURL template: URLTemplate?) -> Result<Entitlement, ValidationError> {
        let contract = event[path: "contract"]?.objectValue ?? JSONObject()
        let sla = contract["sla"]?.objectValue ?? JSONObject()

        let tier: String?
        switch sla["tier"] {
        case nil, .null?: tier = nil
        case .string(let s)? where !s.isEmpty: tier = s
        case let v?: return .failure(.init([FieldIssue(path: "contract.sla.tier", message: "must be a non-empty string, not \(v.typeName)")]))
        }
        if change == .grant, tier == nil {
            return .failure(.init([FieldIssue(path: "contract.sla.tier", message: "required to grant an SLA entitlement; the event has none")]))
        }

        var targets: [Target] = []
        switch sla["targets"] {
        case nil, .null?: break
        case .array(let list)?:
            for (i, element) in list.enumerated() {
                switch parseTarget(element, path: "contract.sla.targets[\(i)]") {
                case .success(let t): targets.append(t)
                case .failure(let issue): return .failure(issue)
                }
            }
        case let v?: return .failure(.init([FieldIssue(path: "contract.sla.targets", message: "must be an array, not \(v.typeName)")]))
        }

        var dates: [String: String] = [:]
        for key in ["effective_date", "expiry_date"] {
            switch contract[key] {
            case nil, .null?: break
            case .string(let s)? where RFC3339.parseDate(s) != nil: dates[key] = s
            case _?: return .failure(.init([FieldIssue(path: "contract.\(key)", message: "must be a date YYYY-MM-DD")]))
            }
        }

        var url: String?
        if let template {
            switch template.expand(event: event, tenantID: tenantID) {
            case .success(let u): url = u
            case .failure(let e): return .failure(.init([FieldIssue(path: "contract_url", message: e.message)]))
            }
        }

        return .success(Entitlement(
            contractID: event.contractID,
            tier: tier,
            businessHours: sla["business_hours"]?.stringValue,
            targets: targets,
            effectiveDate: dates["effective_date"],
            expiryDate: dates["expiry_date"],
            contractURL: url,
            active: change == .grant,
            status: event.status,
            updatedAt: RFC3339.format(event.occurredAt)))
    }

    static func parseTarget(_ json: JSON, path: String) -> Result<Target, ValidationError> {
        guard let o = json.objectValue else { return .failure(.init([FieldIssue(path: path, message: "must be an object, not \(json.typeName)")])) }
        guard let severity = o["severity"]?.stringValue, !severity.isEmpty else {
            return .failure(.init([FieldIssue(path: path + ".severity", message: "required string")]))
        }
        var minutes: [String: Int64] = [:]
        for key in ["first_response_minutes", "resolution_minutes"] {
            switch o[key] {
            case nil, .null?: break
            case let v? :
                guard let n = v.int64Value, n >= 0 else { return .failure(.init([FieldIssue(path: "\(path).\(key)", message: "must be an integer >= 0")])) }
                minutes[key] = n
            }
        }
        return .success(Target(severity: severity, firstResponseMinutes: minutes["first_response_minutes"],
                               resolutionMinutes: minutes["resolution_minutes"]))
    }
}
