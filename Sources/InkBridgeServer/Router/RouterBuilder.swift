/// Collects routes and middleware at start-up, then freezes them into an
/// immutable `APIResponder`. Registering the same method and pattern twice is
/// a programming mistake.
public struct RouterBuilder {
    private var routes: [Route] = []
    private var middlewares: [any APIMiddleware] = []

    public init() {}

    public mutating func add(_ route: Route) {
        precondition(!routes.contains { $0.method == route.method && $0.pattern == route.pattern },
                     "route \(route.method) \(route.pattern) registered twice")
        routes.append(route)
    }

    public mutating func add(_ method: String, _ pattern: String, access: RouteAccess, handler: @escaping RouteHandler) {
        add(Route(method, pattern, access: access, handler: handler))
    }

    /// Middleware runs in the order added, the first one outermost.
    public mutating func use(_ middleware: any APIMiddleware) { middlewares.append(middleware) }

    public func freeze() -> APIResponder {
        // More literal patterns first, so `/a/b` wins over `/a/{id}` whatever the order of registration.
        let ordered = routes.enumerated().sorted { a, b in
            a.element.pattern.literalCount != b.element.pattern.literalCount
                ? a.element.pattern.literalCount > b.element.pattern.literalCount : a.offset < b.offset
        }.map(\.element)
        return APIResponder(routes: ordered, middlewares: middlewares)
    }
}
