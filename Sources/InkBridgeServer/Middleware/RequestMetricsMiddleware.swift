import InkBridgeCore
import MicroHTTP

/// Counts every answer by method, route pattern and status. The route pattern,
/// not the raw path, keeps label values bounded whatever clients send.
public struct RequestMetricsMiddleware: APIMiddleware {
    let metrics: HubMetrics

    public init(metrics: HubMetrics) { self.metrics = metrics }

    static let knownMethods: Set<String> = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]

    public func handle(_ context: RequestContext,
                       next: @Sendable (RequestContext) async -> HTTPServerResponse) async -> HTTPServerResponse {
        let response = await next(context)
        let method = Self.knownMethods.contains(context.request.method) ? context.request.method : "other"
        let route = context.route?.pattern.description ?? "unmatched"
        metrics.httpRequests.increment([method, route, String(response.status)])
        return response
    }
}
