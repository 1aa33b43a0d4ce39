import MicroHTTP

/// The identity behind a request, established by `AuthMiddleware`.
public enum Caller: Sendable, Equatable {
    case anonymous
    case tenant(String)
    case `operator`
}

/// What a handler gets: the request, the route's path parameters and the caller.
public struct RequestContext: Sendable {
    public let request: HTTPServerRequest
    /// The matched route; nil when nothing matched (the answer will be 404 or 405).
    public let route: Route?
    public let parameters: [String: String]
    public var caller: Caller = .anonymous

    init(request: HTTPServerRequest, route: Route?, parameters: [String: String]) {
        self.request = request
        self.route = route
        self.parameters = parameters
    }

    /// A parameter of the route's pattern. Asking for one the pattern lacks is a programming mistake.
    public func parameter(_ name: String) -> String {
        guard let value = parameters[name] else { preconditionFailure("route \(route?.pattern.description ?? "-") has no {\(name)}") }
        return value
    }

    /// The authenticated tenant. Only tenant routes ask, and `AuthMiddleware` has set it for them.
    public var tenant: String {
        guard case .tenant(let t) = caller else { preconditionFailure("tenant asked on a route that is not tenant-scoped") }
        return t
    }

    /// The audit log's actor: the tenant or the operator, never the key.
    public var actor: String {
        switch caller {
        case .tenant(let t): return "tenant:\(t)"
        case .operator: return "operator"
        case .anonymous: return "anonymous"
        }
    }
}
