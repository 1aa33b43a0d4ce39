import Foundation
import InkBridgeCore
import MicroHTTP

/// Answers ServiceNow Table API and OAuth token requests (wire-formats 5).
struct ServiceNowEmulatorRouter: Sendable {
    let state: Locked<ServiceNowEmulatorState>
    let configuration: ServiceNowEmulator.Configuration

    func handle(_ request: CapturedRequest) async -> HTTPServerResponse {
        if request.decodedPath == "/oauth_token.do" {
            return request.method == "POST" ? token(request) : Self.failure(405, "Method not allowed", nil)
        }
        guard authenticated(request) else {
            return Self.failure(401, "User Not Authenticated", "Required to provide Auth information")
        }
        let p = request.decodedPath.split(separator: "/").map(String.init)
        guard p.count >= 4, p[0...2] == ["api", "now", "table"] else { return Self.failure(400, "Requested URI does not represent any resource", nil) }
        let table = p[3]
        guard state.withLock({ $0.tables[table] != nil }) else { return Self.failure(400, "Invalid table \(table)", nil) }
        switch (request.method, p.count) {
        case ("GET", 4): return list(table, request)
        case ("POST", 4): return insert(table, request)
        case ("GET", 5): return read(table, p[4])
        case ("PATCH", 5), ("PUT", 5): return update(table, p[4], request)
        default: return Self.failure(405, "Method not Supported", "\(request.method) is not supported for this resource")
        }
    }

    /// `{"error":{"message":..,"detail":..},"status":"failure"}`.
    static func failure(_ status: Int, _ message: String, _ detail: String?) -> HTTPServerResponse {
        TicketingEmulatorCore.json(status, ["error": ["message": .string(message), "detail": detail.map(JSON.string) ?? .null], "status": "failure"])
    }

    static let noRecord = failure(404, "No Record found", "Record doesn't exist or ACL restricts the record retrieval")

    func authenticated(_ request: CapturedRequest) -> Bool {
        if let basic = TicketingEmulatorCore.basicCredentials(request) {
            return basic.user == configuration.username && basic.password == configuration.password
        }
        if let bearer = TicketingEmulatorCore.bearer(request) {
            return state.withLock { s in s.tokens[bearer].map { $0 > Date() } ?? false }
        }
        return false
    }

    /// `POST /oauth_token.do`, form-encoded: `client_credentials`, or `password` with the user too.
    func token(_ request: CapturedRequest) -> HTTPServerResponse {
        state.withLock { $0.tokenRequests += 1 }
        guard request.header("Content-Type")?.lowercased().hasPrefix("application/x-www-form-urlencoded") == true else {
            return TicketingEmulatorCore.json(400, ["error": "invalid_request", "error_description": "form-encoded body required"])
        }
        let form = TicketingEmulatorCore.formFields(request.body)
        var ok = form["client_id"] == configuration.clientID && form["client_secret"] == configuration.clientSecret
        switch form["grant_type"] {
        case "client_credentials": break
        case "password": ok = ok && form["username"] == configuration.username && form["password"] == configuration.password
        default: ok = false
        }
        guard ok else { return TicketingEmulatorCore.json(401, ["error": "server_error", "error_description": "access_denied"]) }
        let token = "sn-access-" + UUID().uuidString.lowercased()
        let lifetime = configuration.tokenLifetime
        state.withLock { $0.tokens[token] = Date().addingTimeInterval(lifetime) }
        return TicketingEmulatorCore.json(200, [
            "access_token": .string(token), "scope": "useraccount", "token_type": "Bearer", "expires_in": JSON(Int(lifetime)),
        ])
    }

    func list(_ table: String, _ request: CapturedRequest) -> HTTPServerResponse {
        let query = ServiceNowQuery(request.queryValue("sysparm_query") ?? "")
        let limit = Int(request.queryValue("sysparm_limit") ?? "") ?? 10000
        let offset = Int(request.queryValue("sysparm_offset") ?? "") ?? 0
        let matching = state.withLock { s in (s.tables[table] ?? []).filter(query.matches) }
        let page = matching.dropFirst(max(offset, 0)).prefix(max(limit, 0))
        var headers: [(name: String, value: String)] = [("X-Total-Count", String(matching.count))]
        if offset + page.count < matching.count {
            let next = "\(TicketingEmulatorCore.origin(request))/api/now/table/\(table)?sysparm_limit=\(limit)&sysparm_offset=\(offset + page.count)"
            headers.append(("Link", "<\(next)>;rel=\"next\""))
        }
        return TicketingEmulatorCore.json(200, ["result": .array(page.map(\.json))], headers: headers)
    }

    func read(_ table: String, _ sysID: String) -> HTTPServerResponse {
        guard let record = state.withLock({ s in s.tables[table]?.first { $0.sysID == sysID } }) else { return Self.noRecord }
        return TicketingEmulatorCore.json(200, ["result": record.json])
    }

    func insert(_ table: String, _ request: CapturedRequest) -> HTTPServerResponse {
        guard let values = Self.flatFields(request) else { return Self.failure(400, "Exception while reading request", "The payload is not valid JSON.") }
        let record = state.withLock { $0.insert(table, fields: values, createdBy: configuration.username) }
        let location = "\(TicketingEmulatorCore.origin(request))/api/now/table/\(table)/\(record.sysID)"
        return TicketingEmulatorCore.json(201, ["result": record.json], headers: [("Location", location)])
    }

    func update(_ table: String, _ sysID: String, _ request: CapturedRequest) -> HTTPServerResponse {
        guard let values = Self.flatFields(request) else { return Self.failure(400, "Exception while reading request", "The payload is not valid JSON.") }
        let updated = state.withLock { s -> ServiceNowRecord? in
            guard let i = s.tables[table]?.firstIndex(where: { $0.sysID == sysID }) else { return nil }
            for (k, v) in values where k != "sys_id" { s.tables[table]![i].fields[k] = v }
            return s.tables[table]![i]
        }
        guard let updated else { return Self.noRecord }
        return TicketingEmulatorCore.json(200, ["result": updated.json])
    }

    /// A flat JSON object of name/value pairs; every value stored as a string ("true", "0").
    static func flatFields(_ request: CapturedRequest) -> [String: String]? {
        guard let o = request.bodyJSON?.objectValue else { return nil }
        var out: [String: String] = [:]
        for entry in o.entries { out[entry.key] = entry.value.scalarText ?? (entry.value.isNull ? "" : entry.value.jsonText) }
        return out
    }
}
