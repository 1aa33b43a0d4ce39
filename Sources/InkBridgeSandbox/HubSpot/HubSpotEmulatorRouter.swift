import Foundation
import InkBridgeCore
import MicroHTTP

/// Answers requests the way HubSpot's CRM v3 objects API does (wire-formats 2):
/// PATCH by id, batch upsert by a unique property, GET by id; errors as
/// `{"status":"error","message","correlationId","category"}`; a rolling
/// rate-limit window reported in `X-HubSpot-RateLimit-*` headers and enforced
/// with 429.
struct HubSpotEmulatorRouter: Sendable {
    let state: HubSpotEmulatorState
    let log: CapturedRequestLog

    static let objectsPrefix = "/crm/v3/objects/"

    func handle(_ request: HTTPServerRequest) async -> HTTPServerResponse {
        log.append(request)
        if let fault = state.nextFault() { return response(for: fault) }
        guard let token = Self.bearerToken(request), state.accessTokens.contains(token) else {
            return Self.error(401, "INVALID_AUTHENTICATION",
                              "Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview")
        }
        let admission = state.admit()
        guard admission.allowed else {
            let policy = admission.dailyRemaining == 0 ? "DAILY" : "TEN_SECONDLY_ROLLING"
            var r = Self.rateLimited(policy)
            r.headers += rateLimitHeaders(remaining: admission.remaining, dailyRemaining: admission.dailyRemaining)
            return r
        }
        var r = route(request)
        r.headers += rateLimitHeaders(remaining: admission.remaining, dailyRemaining: admission.dailyRemaining)
        return r
    }

    func rateLimitHeaders(remaining: Int, dailyRemaining: Int) -> [(name: String, value: String)] {
        [("X-HubSpot-RateLimit-Daily", String(state.dailyLimit)),
         ("X-HubSpot-RateLimit-Daily-Remaining", String(dailyRemaining)),
         ("X-HubSpot-RateLimit-Interval-Milliseconds", String(Int(state.window * 1000))),
         ("X-HubSpot-RateLimit-Max", String(state.windowMax)),
         ("X-HubSpot-RateLimit-Remaining", String(remaining))]
    }

    private func route(_ request: HTTPServerRequest) -> HTTPServerResponse {
        guard request.path.hasPrefix(Self.objectsPrefix) else { return Self.error(404, "OBJECT_NOT_FOUND", "resource not found") }
        let segments = request.path.dropFirst(Self.objectsPrefix.count).split(separator: "/", omittingEmptySubsequences: false)
            .map { String($0).removingPercentEncoding ?? String($0) }
        guard let type = segments.first, let schema = state.schemas[type] else {
            return Self.error(400, "VALIDATION_ERROR", "Unable to infer object type from: \(segments.first ?? "")")
        }
        switch (request.method, segments.count) {
        case ("POST", 3) where segments[1] == "batch" && segments[2] == "upsert":
            return batchUpsert(request, schema: schema)
        case ("PATCH", 2):
            return update(request, schema: schema, id: segments[1])
        case ("GET", 2):
            guard let record = state.record(schema.objectType, id: segments[1]) else {
                return Self.error(404, "OBJECT_NOT_FOUND", "resource not found")
            }
            return .json(200, Self.objectJSON(record).serialized())
        default:
            return Self.error(405, "VALIDATION_ERROR", "HTTP \(request.method) is not supported on \(request.path)")
        }
    }

    private func update(_ request: HTTPServerRequest, schema: HubSpotObjectSchema, id: String) -> HTTPServerResponse {
        let body: JSONObject
        switch Self.jsonObject(request) {
        case .success(let o): body = o
        case .failure(let r): return r.response
        }
        guard let props = body["properties"]?.objectValue else {
            return Self.error(400, "VALIDATION_ERROR", "Invalid input JSON: \"properties\" is required and must be an object")
        }
        if let refusal = Self.check(props, schema: schema) { return refusal }
        guard let record = state.update(schema.objectType, id: id, properties: props) else {
            return Self.error(404, "OBJECT_NOT_FOUND", "resource not found")
        }
        return .json(200, Self.objectJSON(record).serialized())
    }

    private func batchUpsert(_ request: HTTPServerRequest, schema: HubSpotObjectSchema) -> HTTPServerResponse {
        let started = RFC3339.format(Date())
        let body: JSONObject
        switch Self.jsonObject(request) {
        case .success(let o): body = o
        case .failure(let r): return r.response
        }
        guard let inputs = body["inputs"]?.arrayValue, (1...100).contains(inputs.count) else {
            return Self.error(400, "VALIDATION_ERROR", "Invalid input JSON: \"inputs\" must be an array of 1 to 100 inputs")
        }
        var parsed: [(idProperty: String, id: String, properties: JSONObject)] = []
        for (i, input) in inputs.enumerated() {
            guard let o = input.objectValue, let idProperty = o["idProperty"]?.stringValue, let id = o["id"]?.stringValue,
                  let props = o["properties"]?.objectValue
            else {
                return Self.error(400, "VALIDATION_ERROR", "Invalid input JSON: inputs[\(i)] needs idProperty, id and properties")
            }
            guard schema.uniqueProperties.contains(idProperty) else {
                return Self.error(400, "VALIDATION_ERROR", "Property \(idProperty) is not a unique property of \(schema.objectType)")
            }
            if let refusal = Self.check(props, schema: schema) { return refusal }
            parsed.append((idProperty, id, props))
        }
        var results: [JSON] = []
        for p in parsed {
            let (record, new) = state.upsert(schema.objectType, idProperty: p.idProperty, id: p.id, properties: p.properties)
            var o = Self.objectJSON(record).objectValue!
            o["new"] = .bool(new)
            results.append(.object(o))
        }
        let answer: JSON = ["status": "COMPLETE", "results": .array(results), "startedAt": .string(started),
                            "completedAt": .string(RFC3339.format(Date()))]
        return .json(200, answer.serialized())
    }

    private func response(for fault: HubSpotFault) -> HTTPServerResponse {
        switch fault {
        case .tooManyRequests(let after, let policy):
            var r = Self.rateLimited(policy)
            r.headers += rateLimitHeaders(remaining: 0, dailyRemaining: policy == "DAILY" ? 0 : state.dailyLimit)
            if let after { r.headers.append(("Retry-After", after)) }
            return r
        case .serviceUnavailable(let after):
            var r = Self.error(503, "SERVICE_UNAVAILABLE", "Service Unavailable")
            if let after { r.headers.append(("Retry-After", after)) }
            return r
        case .response(let status, let headers, let body):
            return HTTPServerResponse(status: status, headers: headers, body: Array(body.utf8))
        }
    }
}
