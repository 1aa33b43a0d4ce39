import Foundation
import InkBridgeCore

/// Brings one Salesforce record up to date with an event: maps the event to
/// fields and PATCHes the record by id (`.../sobjects/{Object}/{Id}`) or
/// upserts it by external id (`.../sobjects/{Object}/{Field}/{Value}`).
///
/// Idempotency: both requests are idempotent by construction. A PATCH by id
/// writes the same values again; an upsert by external id matches the record
/// it created on an earlier attempt (201 then 200/204) and never duplicates it.
/// No `Idempotency-Key` header is sent: Salesforce's sObject REST resources do
/// not document one, and the upsert key is the mechanism SPEC 5 names.
///
/// Tokens: one `SalesforceTokenCache` per connector instance. On `401` with
/// `INVALID_SESSION_ID` the token is refreshed once and the same request
/// retried once; a second 401 is permanent (Salesforce also answers
/// `INVALID_SESSION_ID` for sessions not valid for REST, which no refresh heals).
struct SalesforceConnector: Connector {
    let settings: SalesforceSettings
    let tokens: SalesforceTokenCache
    let http: any HTTPTransport
    let allowPrivate: Bool
    let timeout: Double
    let redactor: SecretRedactor
    let clock: any HubClock

    func deliver(_ delivery: Delivery) async -> DeliveryOutcome {
        let record: MappedRecord
        do { record = try MappedRecord(delivery.event, fields: settings.fields, target: settings.target) } catch { return error.outcome }
        let body = JSON.object(JSONObject(record.fields.map { ($0.field, $0.value) })).serialized()
        let url = settings.recordURL(key: record.key)
        let label = action(key: record.key)

        var token: SalesforceAccessToken
        switch await tokens.token() {
        case .success(let t): token = t
        case .failure(let f): return f.outcome
        }
        var response: HTTPResponse
        do {
            response = try await send(url: url, body: body, token: token.value)
            if response.status == 401, SalesforceErrorBody(response.body).contains("INVALID_SESSION_ID") {
                await tokens.invalidate(token.value)
                switch await tokens.token() {
                case .success(let t): token = t
                case .failure(let f): return f.outcome
                }
                response = try await send(url: url, body: body, token: token.value)
            }
        } catch {
            return HTTPOutcomes.outcome(for: error, redactor: redactor, action: label)
        }
        return outcome(response, label: label, token: token.value)
    }

    /// `PATCH Opportunity/006...` or `PATCH Opportunity/Contract_Ext__c/ctr_42`, for messages.
    func action(key: String) -> String {
        switch settings.target {
        case .recordID: return "PATCH \(settings.object)/\(key)"
        case .upsert(let field, _): return "PATCH \(settings.object)/\(field)/\(key)"
        }
    }

    func send(url: String, body: [UInt8], token: String) async throws(HTTPTransportError) -> HTTPResponse {
        let request = HTTPRequest(method: "PATCH", url: url,
                                  headers: [("Authorization", "Bearer \(token)"),
                                            ("Content-Type", "application/json"),
                                            ("Accept", "application/json")],
                                  body: body, timeout: timeout, connectTimeout: min(10, timeout),
                                  maxResponseBytes: 1 << 20, guardAddresses: true, allowPrivate: allowPrivate)
        return try await http.send(request)
    }

    func outcome(_ response: HTTPResponse, label: String, token: String) -> DeliveryOutcome {
        let excerpt = redactor.excerpt(response.body, extra: [token])
        switch response.status {
        case 200, 201, 204:
            let note = response.status == 201 ? " created" : ""
            return .success(httpStatus: response.status, excerpt: excerpt, detail: "\(label): \(response.status)\(note)")
        case 300:
            return .permanent("multiple_matches", "\(label): 300, the external id matches several records",
                              httpStatus: 300, excerpt: excerpt)
        default:
            let errors = SalesforceErrorBody(response.body)
            let summary = redactor.redact(errors.summary ?? "no Salesforce error body", extra: [token])
            let message = "\(label): \(response.status) \(summary)"
            // The org's API request limit: Salesforce answers 403, but it heals with time.
            let limited = errors.contains("REQUEST_LIMIT_EXCEEDED")
            let code = limited || response.status == 429 ? "rate_limited" : (response.status == 401 ? "auth" : "http_status")
            return HTTPOutcomes.failure(response, code: code, message: message, excerpt: excerpt, now: clock.now(), forceRetry: limited)
        }
    }
}
