import InkBridgeCore
import MicroHTTP

/// The frozen router: answers a request by matching its method and path,
/// running the middleware chain and the route's handler. A plain
/// `(HTTPServerRequest) async -> HTTPServerResponse` function, so tests can
/// call it without a socket and the server can use it as its handler.
public struct APIResponder: Sendable {
    public let routes: [Route]
    let middlewares: [any APIMiddleware]

    enum Match {
        case found(Route, [String: String])
        /// The path exists with other methods.
        case methodNotAllowed([String])
        case notFound
    }

    public func respond(_ request: HTTPServerRequest) async -> HTTPServerResponse {
        let match = self.match(request)
        let context: RequestContext
        switch match {
        case .found(let route, let parameters): context = RequestContext(request: request, route: route, parameters: parameters)
        case .methodNotAllowed, .notFound: context = RequestContext(request: request, route: nil, parameters: [:])
        }
        return await run(0, context, match)
    }

    private func run(_ index: Int, _ context: RequestContext, _ match: Match) async -> HTTPServerResponse {
        guard index < middlewares.count else { return await terminal(context, match) }
        return await middlewares[index].handle(context) { next in await self.run(index + 1, next, match) }
    }

    private func terminal(_ context: RequestContext, _ match: Match) async -> HTTPServerResponse {
        switch match {
        case .found(let route, _):
            do throws(APIError) {
                return try await route.handler(context)
            } catch {
                return error.response
            }
        case .methodNotAllowed(let allowed):
            var e = APIError(405, "method_not_allowed", "\(context.request.method) is not allowed here; allowed: \(allowed.joined(separator: ", "))")
            e.headers = [("Allow", allowed.joined(separator: ", "))]
            return e.response
        case .notFound:
            return APIError(404, "route_not_found", "no such endpoint: \(context.request.method) \(context.request.path)").response
        }
    }

    func match(_ request: HTTPServerRequest) -> Match {
        guard let path = RoutePattern.split(request.path) else { return .notFound }
        // HEAD is GET without a body (libmicrohttpd drops the body).
        let method = request.method == "HEAD" ? "GET" : request.method
        var allowed: [String] = []
        for route in routes {
            guard let parameters = route.pattern.match(path) else { continue }
            if route.method == method { return .found(route, parameters) }
            if !allowed.contains(route.method) { allowed.append(route.method) }
        }
        return allowed.isEmpty ? .notFound : .methodNotAllowed(allowed)
    }
}
