import Foundation
import InkBridgeCore

/// Upserts one entitlement record per contract through the Table API. ServiceNow has no native
/// upsert, so the record is found by its correlation field (`inkbridge:{tenant}:{contract.id}`)
/// and patched, or created when there is none: a repeat after a crash finds the record the
/// first attempt created instead of adding a second.
struct ServiceNowConnector: Connector {
    let settings: ServiceNowSettings
    let client: TicketingClient
    let tokens = ServiceNowTokenCache()

    init(settings: ServiceNowSettings, context: ConnectorContext) {
        self.settings = settings
        self.client = TicketingClient(system: "ServiceNow", context: context, secrets: settings.redact, errorMessage: APIErrorText.serviceNow)
    }

    func deliver(_ delivery: Delivery) async -> DeliveryOutcome {
        do {
            guard let job = try EntitlementDelivery.prepare(delivery, system: "ServiceNow", refPath: settings.accountRef,
                                                            refSetting: "account_ref", contractURL: settings.contractURL)
            else { return EntitlementDelivery.nothingToDo(delivery.event) }
            let key = Self.correlationKey(tenant: delivery.tenantID, contractID: job.entitlement.contractID)
            let tableURL = "\(settings.instanceURL)/api/now/table/\(settings.table)"
            // `^` joins conditions in an encoded query; a literal one in a value is written `^^`.
            let query = "\(settings.correlationField)=\(key.replacingOccurrences(of: "^", with: "^^"))"
            let lookup = "\(tableURL)?sysparm_query=\(URLTemplate.percentEncode(query))&sysparm_limit=1"
            let found = try client.json(try await request("GET", lookup), method: "GET", url: lookup)
            let sysID = found["result"]?.arrayValue?.first?["sys_id"]?.scalarText

            let fields = record(job, event: delivery.event, key: key)
            let body = JSON.object(fields).serialized()
            let verb = job.change == .grant ? "granted" : "revoked"
            if let sysID {
                let url = "\(tableURL)/\(URLTemplate.percentEncode(sysID))"
                let response = try await request("PATCH", url, body: body)
                return .success(httpStatus: response.status, detail: "\(verb): PATCH \(settings.table)/\(sysID) for \(key): \(response.status)")
            }
            guard job.change == .grant else {
                return .success(httpStatus: 200, detail: "revoked: no \(settings.table) record for \(key), nothing to revoke")
            }
            let response = try await request("POST", tableURL, body: body)
            return .success(httpStatus: response.status, detail: "\(verb): POST \(settings.table) for \(key): \(response.status)")
        } catch {
            return error.outcome
        }
    }

    static func correlationKey(tenant: String, contractID: String) -> String { "inkbridge:\(tenant):\(contractID)" }

    /// The record's fields, all as strings (the Table API's own representation). A grant writes
    /// every mapped column; a revoke only sets the record inactive and ends it on the day of the event.
    func record(_ job: EntitlementDelivery, event: ContractEvent, key: String) -> JSONObject {
        var fields = JSONObject()
        switch job.change {
        case .grant:
            fields[settings.correlationField] = .string(key)
            for c in settings.columns { fields[c.column] = .string(value(of: c.source, job, event)) }
        case .revoke:
            for c in settings.columns where c.source == "active" { fields[c.column] = "false" }
            for c in settings.columns where c.source == "expiry_date" {
                fields[c.column] = .string(RFC3339.formatDate(event.occurredAt))
            }
        }
        return fields
    }

    func value(of source: String, _ job: EntitlementDelivery, _ event: ContractEvent) -> String {
        let e = job.entitlement
        switch source {
        case "account": return job.ref
        case "name":
            let title = event[path: "contract.title"]?.stringValue ?? "Contract \(e.contractID)"
            return e.tier.map { "\(title) - SLA \($0)" } ?? title
        default:
            // An empty string clears a field in the Table API; JSON null is not documented there.
            switch e.fieldValue(source) {
            case .bool(let b)?: return b ? "true" : "false"
            case let v?: return v.scalarText ?? ""
            case nil: return ""
            }
        }
    }

    /// One Table API request with the current credentials. With OAuth a 401 means the token was
    /// revoked or expired early: one fresh token, one more try.
    func request(_ method: String, _ url: String, body: [UInt8]? = nil) async throws(DeliveryStop) -> HTTPResponse {
        var auth = try await authorization(refresh: false)
        var response = try await client.redacting(auth.token).exchange(method, url, headers: [("Authorization", auth.header)], body: body)
        if response.status == 401, let refused = auth.token {
            await tokens.invalidate(refused)
            auth = try await authorization(refresh: true)
            response = try await client.redacting(auth.token).exchange(method, url, headers: [("Authorization", auth.header)], body: body)
        }
        guard (200..<300).contains(response.status) else { throw client.redacting(auth.token).failure(response, method: method, url: url) }
        return response
    }
}
