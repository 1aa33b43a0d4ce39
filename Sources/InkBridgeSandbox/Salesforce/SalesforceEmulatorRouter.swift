import Foundation
import InkBridgeCore
import MicroHTTP

/// Answers requests the way a Salesforce org does (wire-formats 1): the OAuth
/// token endpoint and the sObject REST resources, with Salesforce's error
/// array `[{"message","errorCode","fields"}]`.
struct SalesforceEmulatorRouter: Sendable {
    let state: SalesforceEmulatorState
    let log: CapturedRequestLog
    /// Seconds the token endpoint takes; seconds a REST call takes (drawn per call).
    let tokenLatency: TimeInterval
    let dataLatency: ClosedRange<TimeInterval>

    static let tokenPath = "/services/oauth2/token"
    static let dataPrefix = "/services/data/"

    func handle(_ request: HTTPServerRequest) async -> HTTPServerResponse {
        log.append(request)
        if request.path == Self.tokenPath { return await token(request) }
        guard request.path.hasPrefix(Self.dataPrefix) else {
            return Self.error(404, "NOT_FOUND", "The requested resource does not exist")
        }
        let delay = TimeInterval.random(in: dataLatency)
        if delay > 0 { try? await Task.sleep(nanoseconds: UInt64(delay * 1_000_000_000)) }
        var response = data(request)
        response.headers.append(("Sforce-Limit-Info", "api-usage=\(state.countAPICall())/15000"))
        return response
    }

    // MARK: REST data API

    private func data(_ request: HTTPServerRequest) -> HTTPServerResponse {
        if let fault = state.nextFault(.data) { return Self.response(for: fault) }
        guard let token = Self.bearerToken(request), state.isValid(token: token) else {
            var r = Self.error(401, "INVALID_SESSION_ID", "Session expired or invalid")
            r.headers.append(("WWW-Authenticate", "Token"))
            return r
        }
        let segments = request.path.dropFirst(Self.dataPrefix.count).split(separator: "/", omittingEmptySubsequences: false)
            .map { String($0).removingPercentEncoding ?? String($0) }
        guard segments.count >= 3, let version = Self.majorVersion(segments[0]), segments[1] == "sobjects" else {
            return Self.error(404, "NOT_FOUND", "The requested resource does not exist")
        }
        guard let schema = state.schemas[segments[2]] else {
            return Self.error(404, "NOT_FOUND", "The requested resource does not exist")
        }
        switch (request.method, segments.count) {
        case ("PATCH", 4): return updateByID(request, schema: schema, id: segments[3])
        case ("GET", 4): return read(schema: schema, id: segments[3], version: segments[0])
        case ("PATCH", 5): return upsert(request, schema: schema, field: segments[3], value: segments[4], apiVersion: version)
        case (_, 4), (_, 5):
            return Self.error(405, "METHOD_NOT_ALLOWED", "HTTP Method '\(request.method)' not allowed. Allowed are GET,PATCH")
        default:
            return Self.error(404, "NOT_FOUND", "The requested resource does not exist")
        }
    }

    private func updateByID(_ request: HTTPServerRequest, schema: SalesforceObjectSchema, id: String) -> HTTPServerResponse {
        guard Self.isWellFormedID(id) else {
            return Self.error(400, "MALFORMED_ID", "\(schema.name) id value of incorrect type: \(id)", fields: ["Id"])
        }
        let fields: JSONObject
        switch Self.fields(request, schema: schema) {
        case .success(let f): fields = f
        case .failure(let r): return r.response
        }
        guard state.update(schema.name, id: id, fields: fields) else {
            return Self.error(404, "NOT_FOUND", "The requested resource does not exist")
        }
        return HTTPServerResponse(status: 204)
    }

    private func upsert(_ request: HTTPServerRequest, schema: SalesforceObjectSchema, field: String, value: String,
                        apiVersion: Int) -> HTTPServerResponse {
        guard schema.externalIDFields.contains(field) else {
            return Self.error(404, "NOT_FOUND", "The requested resource does not exist")
        }
        let fields: JSONObject
        switch Self.fields(request, schema: schema) {
        case .success(let f): fields = f
        case .failure(let r): return r.response
        }
        let (record, created, matches) = state.upsert(schema.name, field: field, value: value, fields: fields)
        guard let record else {
            let urls = matches.map { JSON.string("/services/data/v\(apiVersion).0/sobjects/\(schema.name)/\($0)") }
            return .json(300, JSON.array(urls).serialized())
        }
        if created {
            return .json(201, Self.upsertResult(record.id, created: true))
        }
        // API 46.0 and later answer an update with a body; earlier versions with 204.
        return apiVersion >= 46 ? .json(200, Self.upsertResult(record.id, created: false)) : HTTPServerResponse(status: 204)
    }

    private func read(schema: SalesforceObjectSchema, id: String, version: String) -> HTTPServerResponse {
        guard let record = state.record(schema.name, id: id) else {
            return Self.error(404, "NOT_FOUND", "The requested resource does not exist")
        }
        var o = JSONObject()
        o["attributes"] = ["type": .string(schema.name), "url": .string("/services/data/\(version)/sobjects/\(schema.name)/\(id)")]
        o["Id"] = .string(id)
        for (k, v) in record.fields.entries { o[k] = v }
        return .json(200, JSON.object(o).serialized())
    }

    // MARK: OAuth token endpoint

    private func token(_ request: HTTPServerRequest) async -> HTTPServerResponse {
        state.tokenRequestStarted()
        if tokenLatency > 0 { try? await Task.sleep(nanoseconds: UInt64(tokenLatency * 1_000_000_000)) }
        let response = tokenAnswer(request)
        state.tokenRequestFinished()
        return response
    }

    private func tokenAnswer(_ request: HTTPServerRequest) -> HTTPServerResponse {
        if let fault = state.nextFault(.token) { return Self.response(for: fault) }
        guard request.method == "POST" else { return Self.oauthError(400, "invalid_request", "must use HTTP POST") }
        guard request.header("Content-Type")?.lowercased().hasPrefix("application/x-www-form-urlencoded") == true else {
            return Self.oauthError(400, "unsupported_grant_type", "grant type not supported")
        }
        let form = Self.parseForm(request.body)
        let creds = state.credentials
        switch form["grant_type"] {
        case "client_credentials":
            guard form["client_id"] == creds.clientID else { return Self.oauthError(400, "invalid_client_id", "client identifier invalid") }
            guard form["client_secret"] == creds.clientSecret else { return Self.oauthError(400, "invalid_client", "invalid client credentials") }
        case "refresh_token":
            guard form["client_id"] == creds.clientID else { return Self.oauthError(400, "invalid_client_id", "client identifier invalid") }
            if let secret = form["client_secret"], secret != creds.clientSecret {
                return Self.oauthError(400, "invalid_client", "invalid client credentials")
            }
            guard let rt = form["refresh_token"], rt == creds.refreshToken else {
                return Self.oauthError(400, "invalid_grant", "expired access/refresh token")
            }
        default:
            return Self.oauthError(400, "unsupported_grant_type", "grant type not supported")
        }
        let base = "http://" + (request.header("Host") ?? "127.0.0.1")
        let issuedAt = String(Int64(Date().timeIntervalSince1970 * 1000))
        let body: JSON = ["access_token": .string(state.issueToken()), "signature": "c2FuZGJveC1zaWduYXR1cmU=",
                          "scope": "api", "instance_url": .string(base),
                          "id": .string("\(base)/id/00DSBX0000000001AAA/005SBX000000001AAA"),
                          "token_type": "Bearer", "issued_at": .string(issuedAt)]
        return .json(200, body.serialized())
    }
}
