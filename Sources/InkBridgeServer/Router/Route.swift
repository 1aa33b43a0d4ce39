import MicroHTTP

/// Who may call a route (SPEC section 7).
public enum RouteAccess: String, Sendable {
    /// Anyone: liveness and readiness.
    case anyone
    /// A tenant API key; the route sees only that tenant's objects.
    case tenant
    /// The operator token: cross-tenant and configuration endpoints.
    case `operator`
}

/// A route's handler. It throws `APIError` for every answer that is not a success.
public typealias RouteHandler = @Sendable (RequestContext) async throws(APIError) -> HTTPServerResponse

/// One entry of the routing table: method and path pattern to a handler.
public struct Route: Sendable {
    public let method: String
    public let pattern: RoutePattern
    public let access: RouteAccess
    let handler: RouteHandler

    public init(_ method: String, _ pattern: String, access: RouteAccess, handler: @escaping RouteHandler) {
        self.method = method
        self.pattern = RoutePattern(pattern)
        self.access = access
        self.handler = handler
    }
}
