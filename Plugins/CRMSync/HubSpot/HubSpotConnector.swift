import Foundation
import InkBridgeCore

/// Brings one HubSpot CRM object up to date with an event: maps the event to
/// properties and PATCHes the object by id, or batch-upserts it (one input) by
/// a unique property.
///
/// Idempotency: both requests are idempotent; the batch upsert matches the
/// object an earlier attempt created through its unique property, so a retry
/// never creates a duplicate. No `Idempotency-Key` header is sent: HubSpot does
/// not document one for these endpoints.
///
/// Auth: a private-app token as `Authorization: Bearer`. A 401 is permanent:
/// HubSpot says a 401 is no signal to fetch a new token, and a private-app
/// token cannot be refreshed anyway.
struct HubSpotConnector: Connector {
    let settings: HubSpotSettings
    let accessToken: String
    let pacer: HubSpotRequestPacer
    let http: any HTTPTransport
    let allowPrivate: Bool
    let timeout: Double
    let redactor: SecretRedactor
    let clock: any HubClock

    func deliver(_ delivery: Delivery) async -> DeliveryOutcome {
        let record: MappedRecord
        do { record = try MappedRecord(delivery.event, fields: settings.fields, target: settings.target) } catch { return error.outcome }
        // HubSpot property values are strings (its schema is `{[key]: string}`).
        let properties = JSON.object(JSONObject(record.fields.map { ($0.field, .string(Self.propertyText($0.value))) }))
        let method: String, url: String, body: JSON, label: String
        switch settings.target {
        case .recordID:
            (method, url, label) = ("PATCH", settings.recordURL(id: record.key), "PATCH \(settings.objectType)/\(record.key)")
            body = ["properties": properties]
        case .upsert(let property, _):
            (method, url, label) = ("POST", settings.batchUpsertURL, "POST \(settings.objectType)/batch/upsert \(property)=\(record.key)")
            body = ["inputs": [["idProperty": .string(property), "id": .string(record.key), "properties": properties]]]
        }
        let request = HTTPRequest(method: method, url: url,
                                  headers: [("Authorization", "Bearer \(accessToken)"),
                                            ("Content-Type", "application/json"),
                                            ("Accept", "application/json")],
                                  body: body.serialized(), timeout: timeout, connectTimeout: min(10, timeout),
                                  maxResponseBytes: 1 << 20, guardAddresses: true, allowPrivate: allowPrivate)
        if let later = await pacer.acquire(maxWait: Self.maxLocalWait) {
            return .retry("rate_limited", "\(label): held back locally, HubSpot's rate limit window is used up", notBefore: later)
        }
        let response: HTTPResponse
        do {
            response = try await http.send(request)
        } catch {
            return HTTPOutcomes.outcome(for: error, redactor: redactor, action: label)
        }
        return outcome(response, label: label)
    }

    /// The longest a delivery waits in the local pacer before it is handed back
    /// to the scheduler as a retry (a daily-limit pause lasts an hour).
    static let maxLocalWait: TimeInterval = 15

    /// A mapped value as HubSpot property text; null clears the property, which
    /// HubSpot spells as an empty string.
    static func propertyText(_ value: JSON) -> String {
        value.scalarText ?? ""
    }

    func outcome(_ response: HTTPResponse, label: String) -> DeliveryOutcome {
        let now = clock.now()
        let excerpt = redactor.excerpt(response.body)
        let errors = HubSpotErrorBody(response.body)
        if response.status == 429 {
            let notBefore = rateLimitRetry(response, errors: errors, now: now)
            pacer.pause(until: notBefore ?? now.addingTimeInterval(1))
            let message = "\(label): 429 \(redactor.redact(errors.summary ?? "rate limited"))"
            return .retry("rate_limited", message, notBefore: notBefore, httpStatus: 429, excerpt: excerpt)
        }
        noteWindow(response, now: now)
        switch response.status {
        case 200, 201, 204:
            if errors.batchErrors.isEmpty { return success(response, label: label, excerpt: excerpt) }
            return batchFailure(response, label: label, errors: errors, excerpt: excerpt)
        case 207:
            // Multi-Status: the batch's one input failed.
            return batchFailure(response, label: label, errors: errors, excerpt: excerpt)
        default:
            let message = "\(label): \(response.status) \(redactor.redact(errors.summary ?? "no HubSpot error body"))"
            return HTTPOutcomes.failure(response, code: response.status == 401 ? "auth" : "http_status",
                                        message: message, excerpt: excerpt, now: now)
        }
    }

    func success(_ response: HTTPResponse, label: String, excerpt: String?) -> DeliveryOutcome {
        var note = ""
        if case .upsert = settings.target,
           let new = (try? JSONParser.parse(response.body))?["results"]?.arrayValue?.first?["new"]?.boolValue {
            note = new ? " created" : " updated"
        }
        return .success(httpStatus: response.status, excerpt: excerpt, detail: "\(label): \(response.status)\(note)")
    }

    func batchFailure(_ response: HTTPResponse, label: String, errors: HubSpotErrorBody, excerpt: String?) -> DeliveryOutcome {
        let message = "\(label): \(response.status) \(redactor.redact(errors.summary ?? "batch input failed"))"
        return .permanent("http_status", message, httpStatus: response.status, excerpt: excerpt)
    }

    /// When to try again after a 429: `Retry-After` when sent; a daily limit
    /// waits the hour cap; otherwise the rolling window's length from
    /// `X-HubSpot-RateLimit-Interval-Milliseconds`.
    func rateLimitRetry(_ response: HTTPResponse, errors: HubSpotErrorBody, now: Date) -> Date? {
        if let date = HTTPOutcomes.retryAfter(response, now: now) { return date }
        if errors.policyName == "DAILY" { return now.addingTimeInterval(HTTPOutcomes.maxRetryAfter) }
        if let ms = response.header("X-HubSpot-RateLimit-Interval-Milliseconds").flatMap(Double.init), ms > 0 {
            return now.addingTimeInterval(min(ms / 1000, HTTPOutcomes.maxRetryAfter))
        }
        return nil
    }

    /// HubSpot reports the rolling window on every answer; when it is used up,
    /// hold the next requests for one window instead of collecting 429s.
    func noteWindow(_ response: HTTPResponse, now: Date) {
        guard response.header("X-HubSpot-RateLimit-Remaining").flatMap(Int.init) == 0,
              let ms = response.header("X-HubSpot-RateLimit-Interval-Milliseconds").flatMap(Double.init), ms > 0
        else { return }
        pacer.pause(until: now.addingTimeInterval(min(ms / 1000, HTTPOutcomes.maxRetryAfter)))
    }
}
