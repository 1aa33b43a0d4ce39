import Foundation
import InkBridgeCore
import MicroHTTP

/// The in-memory state of the Zendesk emulator.
struct ZendeskEmulatorState: Sendable {
    var organizations: [Int64: ZendeskOrganization] = [:]
    var tickets: [Int64: ZendeskTicket] = [:]
}

/// Answers Zendesk Support API requests (wire-formats 3) from the emulator's state.
struct ZendeskEmulatorRouter: Sendable {
    let state: Locked<ZendeskEmulatorState>
    let configuration: ZendeskEmulator.Configuration

    func handle(_ request: CapturedRequest) async -> HTTPServerResponse {
        guard authenticated(request) else {
            return TicketingEmulatorCore.json(401, ["error": "Couldn't authenticate you"])
        }
        // `.json` is optional on every Zendesk endpoint.
        var path = request.decodedPath
        if path.hasSuffix(".json") { path.removeLast(5) }
        let parts = path.split(separator: "/").map(String.init)
        guard parts.count >= 4, parts[0] == "api", parts[1] == "v2", let id = Int64(parts[3]) else { return Self.notFound("InvalidEndpoint") }
        switch (request.method, parts[2], parts.count > 4 ? parts[4] : nil, parts.count) {
        case ("GET", "organizations", nil, 4): return organization(id)
        case ("PUT", "organizations", nil, 4): return updateOrganization(id, request)
        case ("GET", "organizations", "tickets", 5): return organizationTickets(id, request)
        case ("GET", "tickets", nil, 4): return ticket(id)
        case ("PUT", "tickets", nil, 4): return updateTicket(id, request)
        case (let m, "tickets", "tags", 5) where ["GET", "PUT", "POST", "DELETE"].contains(m): return tags(id, request)
        default: return Self.notFound("InvalidEndpoint")
        }
    }

    /// API token (`{email}/token:{api_token}`) or OAuth bearer token.
    func authenticated(_ request: CapturedRequest) -> Bool {
        if let basic = TicketingEmulatorCore.basicCredentials(request) {
            return basic.user == configuration.email + "/token" && basic.password == configuration.apiToken
        }
        if let bearer = TicketingEmulatorCore.bearer(request), let token = configuration.oauthToken { return bearer == token }
        return false
    }

    static func notFound(_ error: String = "RecordNotFound") -> HTTPServerResponse {
        TicketingEmulatorCore.json(404, ["error": .string(error), "description": "Not found"])
    }

    static func invalid(_ field: String, _ description: String) -> HTTPServerResponse {
        TicketingEmulatorCore.json(422, [
            "error": "RecordInvalid", "description": "Record validation errors",
            "details": [field: [["description": .string(description), "error": "InvalidValue"]]],
        ])
    }

    func organization(_ id: Int64) -> HTTPServerResponse {
        guard let org = state.withLock({ $0.organizations[id] }) else { return Self.notFound() }
        return TicketingEmulatorCore.json(200, ["organization": org.json])
    }

    /// `organization_fields` keys given are set; keys not given keep their values (as Zendesk does).
    func updateOrganization(_ id: Int64, _ request: CapturedRequest) -> HTTPServerResponse {
        guard let body = request.bodyJSON, let update = body["organization"]?.objectValue else {
            return TicketingEmulatorCore.json(400, ["error": "InvalidJSON", "description": "body must be {\"organization\": {...}}"])
        }
        let result = state.withLock { s -> ZendeskOrganization? in
            guard var org = s.organizations[id] else { return nil }
            if let name = update["name"]?.stringValue { org.name = name }
            for entry in update["organization_fields"]?.objectValue?.entries ?? [] { org.fields[entry.key] = entry.value }
            s.organizations[id] = org
            return org
        }
        guard let org = result else { return Self.notFound() }
        return TicketingEmulatorCore.json(200, ["organization": org.json])
    }

    func ticket(_ id: Int64) -> HTTPServerResponse {
        guard let t = state.withLock({ $0.tickets[id] }) else { return Self.notFound() }
        return TicketingEmulatorCore.json(200, ["ticket": t.json])
    }

    func updateTicket(_ id: Int64, _ request: CapturedRequest) -> HTTPServerResponse {
        guard let update = request.bodyJSON?["ticket"]?.objectValue else {
            return TicketingEmulatorCore.json(400, ["error": "InvalidJSON", "description": "body must be {\"ticket\": {...}}"])
        }
        if let p = update["priority"], !(p.isNull || p.stringValue.map(ZendeskTicket.priorities.contains) == true) {
            return Self.invalid("priority", "Priority: is not valid")
        }
        let result = state.withLock { s -> HTTPServerResponse in
            guard var t = s.tickets[id] else { return Self.notFound() }
            // A closed ticket is read-only in Zendesk.
            if t.status == "closed" { return Self.invalid("status", "Status: closed prevents ticket update") }
            if let p = update["priority"] { t.priority = p.stringValue }
            if let st = update["status"]?.stringValue, ZendeskTicket.statuses.contains(st) { t.status = st }
            if let tags = update["tags"]?.arrayValue { t.tags = ZendeskTicket.normalised(tags.compactMap(\.stringValue)) }
            s.tickets[id] = t
            return TicketingEmulatorCore.json(200, ["ticket": t.json])
        }
        return result
    }

    /// The tags endpoint: GET lists, PUT adds, POST replaces, DELETE removes (body or `?tags=a,b`).
    func tags(_ id: Int64, _ request: CapturedRequest) -> HTTPServerResponse {
        let bodyTags = request.bodyJSON?["tags"]?.arrayValue?.compactMap(\.stringValue)
        let queryTags = request.queryValue("tags")?.split(separator: ",").map(String.init)
        let given = ZendeskTicket.normalised(bodyTags ?? queryTags ?? [])
        let needsTags = request.method == "PUT" || request.method == "POST" ? bodyTags == nil
            : request.method == "DELETE" ? bodyTags == nil && queryTags == nil : false
        if needsTags {
            return TicketingEmulatorCore.json(400, ["error": "InvalidJSON", "description": "body must be {\"tags\": [...]}"])
        }
        return state.withLock { s -> HTTPServerResponse in
            guard var t = s.tickets[id] else { return Self.notFound() }
            if request.method != "GET", t.status == "closed" { return Self.invalid("status", "Status: closed prevents ticket update") }
            switch request.method {
            case "PUT": t.tags = ZendeskTicket.normalised(t.tags + given)
            case "POST": t.tags = given
            case "DELETE": t.tags.removeAll { given.contains($0) }
            default: break
            }
            s.tickets[id] = t
            return TicketingEmulatorCore.json(200, ["tags": .array(t.tags.map(JSON.string))])
        }
    }
}
