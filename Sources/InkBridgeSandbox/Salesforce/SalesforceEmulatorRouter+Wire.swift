import Foundation
import InkBridgeCore
import MicroHTTP

/// Salesforce's wire details: error shapes, request body rules, ids, forms.
extension SalesforceEmulatorRouter {
    /// An error response wrapped so it can travel in a `Result`.
    struct Refusal: Error {
        let response: HTTPServerResponse
    }

    static let jsonType = "application/json;charset=UTF-8"

    /// `[{"message": ..., "errorCode": ..., "fields": [...]}]`
    static func error(_ status: Int, _ code: String, _ message: String, fields: [String]? = nil) -> HTTPServerResponse {
        var o = JSONObject([("message", .string(message)), ("errorCode", .string(code))])
        if let fields { o["fields"] = .array(fields.map(JSON.string)) }
        return HTTPServerResponse(status: status, headers: [("Content-Type", jsonType)], body: JSON.array([.object(o)]).serialized())
    }

    /// The token endpoint's `{"error", "error_description"}`.
    static func oauthError(_ status: Int, _ code: String, _ description: String) -> HTTPServerResponse {
        let body: JSON = ["error": .string(code), "error_description": .string(description)]
        return HTTPServerResponse(status: status, headers: [("Content-Type", jsonType)], body: body.serialized())
    }

    static func response(for fault: SalesforceFault) -> HTTPServerResponse {
        func withRetryAfter(_ r: HTTPServerResponse, _ value: String?) -> HTTPServerResponse {
            var r = r
            if let value { r.headers.append(("Retry-After", value)) }
            return r
        }
        switch fault {
        case .serviceUnavailable(let after):
            return withRetryAfter(error(503, "SERVER_UNAVAILABLE", "Server temporarily unavailable"), after)
        case .requestLimitExceeded(let after):
            return withRetryAfter(error(403, "REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded."), after)
        case .tooManyRequests(let after):
            return withRetryAfter(error(429, "REQUEST_LIMIT_EXCEEDED", "ConcurrentPerOrgLongTxn Limit exceeded."), after)
        case .response(let status, let headers, let body):
            return HTTPServerResponse(status: status, headers: headers, body: Array(body.utf8))
        }
    }

    static func upsertResult(_ id: String, created: Bool) -> [UInt8] {
        let body: JSON = ["id": .string(id), "success": true, "errors": [], "created": .bool(created)]
        return body.serialized()
    }

    /// `Authorization: Bearer <token>` (or the older `OAuth <token>`).
    static func bearerToken(_ request: HTTPServerRequest) -> String? {
        guard let value = request.header("Authorization") else { return nil }
        for scheme in ["Bearer ", "OAuth "] where value.hasPrefix(scheme) {
            return String(value.dropFirst(scheme.count))
        }
        return nil
    }

    /// `v60.0` -> 60.
    static func majorVersion(_ segment: String) -> Int? {
        guard segment.hasPrefix("v") else { return nil }
        let parts = segment.dropFirst().split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, let major = Int(parts[0]), Int(parts[1]) != nil else { return nil }
        return major
    }

    /// Salesforce ids are 15 or 18 alphanumeric characters.
    static func isWellFormedID(_ id: String) -> Bool {
        (id.utf8.count == 15 || id.utf8.count == 18) && id.utf8.allSatisfy { c in
            (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A)
        }
    }

    /// The body of a write: a JSON object of known fields with scalar values.
    static func fields(_ request: HTTPServerRequest, schema: SalesforceObjectSchema) -> Result<JSONObject, Refusal> {
        guard request.header("Content-Type")?.lowercased().hasPrefix("application/json") == true else {
            let type = request.header("Content-Type") ?? "none"
            return .failure(Refusal(response: error(415, "UNSUPPORTED_MEDIA_TYPE",
                                                    "Content-Type header specified in HTTP request is not supported: \(type)")))
        }
        let json: JSON
        do { json = try JSONParser.parse(request.body) } catch {
            return .failure(Refusal(response: Self.error(400, "JSON_PARSER_ERROR", "Unexpected character in request body: \(error.message)")))
        }
        guard let o = json.objectValue else {
            return .failure(Refusal(response: error(400, "JSON_PARSER_ERROR",
                                                    "Cannot deserialize instance of \(schema.name) from \(json.typeName)")))
        }
        for (key, value) in o.entries {
            guard schema.fields.contains(key) else {
                return .failure(Refusal(response: error(400, "INVALID_FIELD", "No such column '\(key)' on sobject of type \(schema.name)", fields: [])))
            }
            if case .array = value { return .failure(Refusal(response: error(400, "JSON_PARSER_ERROR", "Cannot deserialize instance of \(key) from START_ARRAY value"))) }
            if case .object = value { return .failure(Refusal(response: error(400, "JSON_PARSER_ERROR", "Cannot deserialize instance of \(key) from START_OBJECT value"))) }
        }
        return .success(o)
    }

    /// `application/x-www-form-urlencoded`: `+` is a space, `%XX` a byte; the first value of a name wins.
    static func parseForm(_ body: [UInt8]) -> [String: String] {
        var out: [String: String] = [:]
        for pair in String(decoding: body, as: UTF8.self).split(separator: "&") {
            let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ s: Substring) -> String {
                String(s).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(s)
            }
            let key = decode(kv[0])
            if out[key] == nil { out[key] = kv.count > 1 ? decode(kv[1]) : "" }
        }
        return out
    }
}
