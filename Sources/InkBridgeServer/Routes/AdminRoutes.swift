import InkBridgeCore
import MicroHTTP

/// Reads the configuration file again: a fresh `LoadedConfig`, or every problem found.
public typealias ConfigReload = @Sendable () async -> Result<LoadedConfig, ConfigError>

/// `POST /v1/admin/reload` (operator): swaps in a new connectors.json without
/// dropping events. An invalid file answers 400 with every problem and the
/// running configuration stays. Both outcomes are written to the audit log.
struct AdminRoutes {
    let hub: Hub
    let reload: ConfigReload?

    func register(_ router: inout RouterBuilder) {
        router.add("POST", "/v1/admin/reload", access: .operator, handler: reloadConfig)
    }

    @Sendable func reloadConfig(_ context: RequestContext) async throws(APIError) -> HTTPServerResponse {
        guard let reload else { throw APIError(501, "not_supported", "this hub was started without a configuration file to reload") }
        let config: LoadedConfig
        switch await reload() {
        case .success(let c): config = c
        case .failure(let failure):
            await audit(context, "config_reload_rejected", "\(failure.issues.count) problem\(failure.issues.count == 1 ? "" : "s")")
            throw Self.rejected(failure.issues)
        }
        do { try await hub.apply(config) } catch {
            guard error.kind == .invalidConfig else { throw .hub(error) }
            await audit(context, "config_reload_rejected", "connectors could not be built")
            throw Self.rejected([FieldIssue(path: "", message: error.message)])
        }
        await audit(context, "config_loaded", "reload")
        let tenants = config.config.tenants
        return .json(200, .object(JSONObject([
            ("reloaded", .bool(true)),
            ("tenants", JSON(tenants.count)),
            ("connectors", JSON(tenants.reduce(0) { $0 + $1.connectors.count })),
        ])))
    }

    /// Every problem, under a message that says nothing changed.
    static func rejected(_ issues: [FieldIssue]) -> APIError {
        let e = APIError.invalid("invalid_config", issues)
        return APIError(400, e.code, "the configuration was not reloaded and the running one stays: " + e.message, field: e.field,
                        issues: e.issues)
    }

    /// The reload already happened (or was refused); a failing audit write must not change that answer.
    func audit(_ context: RequestContext, _ action: String, _ detail: String) async {
        try? await hub.store.appendAudit(actor: context.actor, action: action, detail: detail, now: hub.clock.now())
    }
}
