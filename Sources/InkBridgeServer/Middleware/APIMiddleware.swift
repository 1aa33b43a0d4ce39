import MicroHTTP

/// A step around every request (authentication, metrics): it may answer by
/// itself or call `next`, possibly with an enriched context.
public protocol APIMiddleware: Sendable {
    func handle(_ context: RequestContext,
                next: @Sendable (RequestContext) async -> HTTPServerResponse) async -> HTTPServerResponse
}
