import InkBridgeCore
import MicroHTTP

/// Establishes the caller from `Authorization: Bearer <key>` and enforces the
/// route's access (SPEC section 7): a tenant route needs a tenant key, an
/// operator route the operator token. No credential or an unknown one is 401;
/// a valid credential of the wrong kind is 403. Keys are never logged or echoed.
public struct AuthMiddleware: APIMiddleware {
    /// Answers the tenant of an API key (`Hub.authenticate`, constant-time per key).
    let tenantForKey: @Sendable (String) -> String?
    let operatorCredential: OperatorCredential?

    public init(tenantForKey: @escaping @Sendable (String) -> String?, operatorCredential: OperatorCredential?) {
        self.tenantForKey = tenantForKey
        self.operatorCredential = operatorCredential
    }

    public func handle(_ context: RequestContext,
                       next: @Sendable (RequestContext) async -> HTTPServerResponse) async -> HTTPServerResponse {
        guard let route = context.route, route.access != .anyone else { return await next(context) }
        guard let key = BearerToken.parse(context.request.header("Authorization")) else {
            return APIError.unauthorized("an Authorization: Bearer header is required").response
        }
        // Both checks always run, so the time taken does not tell which kind of key it was.
        let tenant = tenantForKey(key)
        let isOperator = operatorCredential?.matches(key) ?? false
        var context = context
        switch route.access {
        case .anyone:
            break
        case .tenant:
            guard let tenant else {
                return isOperator ? APIError.forbidden("this endpoint needs a tenant API key, not the operator token").response
                    : APIError.unauthorized("the API key is not valid").response
            }
            context.caller = .tenant(tenant)
        case .operator:
            guard isOperator else {
                return tenant != nil ? APIError.forbidden("this endpoint needs the operator token").response
                    : APIError.unauthorized(operatorCredential == nil ? "no operator token is configured on this hub"
                        : "the operator token is not valid").response
            }
            context.caller = .operator
        }
        return await next(context)
    }
}
