import InkBridgeCore
import MicroHTTP

/// An answer that is not a success, in the JSON error shape of SPEC section 8:
/// `{"error": {"code", "message", "field"}}`, with every problem under
/// `issues` when there are several (validation). Messages name the caller's
/// own input at most, never a key, a secret or another tenant's object.
public struct APIError: Error, Sendable {
    public let status: Int
    public let code: String
    public let message: String
    /// The path of the first bad field (`contract.sequence`, `[3].contract.sequence`, `limit`).
    public let field: String?
    /// Every problem, when the input had several.
    public var issues: [FieldIssue] = []
    public var headers: [(name: String, value: String)] = []

    public init(_ status: Int, _ code: String, _ message: String, field: String? = nil, issues: [FieldIssue] = []) {
        self.status = status
        self.code = code
        self.message = message
        self.field = field
        self.issues = issues
    }

    public var json: JSON {
        var error = JSONObject([("code", .string(code)), ("message", .string(message)), ("field", field.map { .string($0) } ?? .null)])
        if !issues.isEmpty {
            error["issues"] = .array(issues.map { i in
                .object(JSONObject([("field", i.path.isEmpty ? .null : .string(i.path)), ("message", .string(i.message))]))
            })
        }
        return .object(JSONObject([("error", .object(error))]))
    }

    public var response: HTTPServerResponse { .json(status, json.serialized(), headers: headers) }
}

extension APIError {
    /// A missing object, and equally another tenant's object: the two must be indistinguishable.
    static func notFound(_ what: String, _ id: String) -> APIError {
        APIError(404, "not_found", "no \(what) \(JSON.quoted(id))")
    }

    static func badRequest(_ code: String, _ message: String, field: String? = nil) -> APIError {
        APIError(400, code, message, field: field)
    }

    /// Every validation issue, the first one named in `field` and `message`.
    static func invalid(_ code: String, _ issues: [FieldIssue], status: Int = 400) -> APIError {
        let first = issues.first ?? FieldIssue(path: "", message: "invalid input")
        let more = issues.count > 1 ? " (and \(issues.count - 1) more problem\(issues.count == 2 ? "" : "s"))" : ""
        return APIError(status, code, first.description + more, field: first.path.isEmpty ? nil : first.path, issues: issues)
    }

    static func unauthorized(_ message: String) -> APIError {
        var e = APIError(401, "unauthorized", message)
        e.headers = [("WWW-Authenticate", "Bearer realm=\"inkbridge\"")]
        return e
    }

    static func forbidden(_ message: String) -> APIError { APIError(403, "forbidden", message) }

    /// The store failed: the request may be retried; nothing was acknowledged.
    static func store(_ message: String) -> APIError {
        var e = APIError(503, "store_unavailable", "the store is not available: \(message)")
        e.headers = [("Retry-After", "1")]
        return e
    }

    static func hub(_ error: HubError) -> APIError {
        switch error.kind {
        // The tenant disappeared in a reload between authentication and ingest.
        case .unknownTenant: return .unauthorized("the API key's tenant is no longer configured")
        case .store: return .store(error.message)
        case .invalidConfig: return APIError(500, "internal", "the configuration could not be applied")
        }
    }

    static func store(_ error: StoreError) -> APIError { .store(error.message) }
}
