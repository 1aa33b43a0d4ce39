import Foundation
import InkBridgeCore
import MicroHTTP

/// The in-memory state of the Jira emulator.
struct JiraEmulatorState: Sendable {
    var organizations: [Int64: JiraOrganization] = [:]
    var issues: [Int64: JiraIssue] = [:]
    var nextLinkID: Int64 = 10000

    /// By id (`10001`) or key (`SD-1`), as Jira accepts both.
    func issueID(_ idOrKey: String) -> Int64? {
        if let id = Int64(idOrKey), issues[id] != nil { return id }
        return issues.values.first { $0.key == idOrKey }?.id
    }
}

/// Answers Jira Cloud platform and Service Management requests (wire-formats 4).
struct JiraEmulatorRouter: Sendable {
    let state: Locked<JiraEmulatorState>
    let configuration: JiraEmulator.Configuration

    /// Jira caps an entity property's value at 32768 characters.
    static let maxPropertyLength = 32768

    func handle(_ request: CapturedRequest) async -> HTTPServerResponse {
        guard let basic = TicketingEmulatorCore.basicCredentials(request),
              basic.user == configuration.email, basic.password == configuration.apiToken else {
            return .text(401, "Client must be authenticated to access this resource.")
        }
        let p = request.decodedPath.split(separator: "/").map(String.init)
        switch (request.method, p.count) {
        case ("PUT", 6) where p[0...2] == ["rest", "servicedeskapi", "organization"] && p[4] == "property":
            return putOrganizationProperty(p[3], key: p[5], request)
        case ("GET", 6) where p[0...2] == ["rest", "servicedeskapi", "organization"] && p[4] == "property":
            return getOrganizationProperty(p[3], key: p[5])
        case ("POST", 5) where p == ["rest", "api", "3", "search", "jql"]:
            return search(request)
        case ("PUT", 7) where p[0...3] == ["rest", "api", "3", "issue"] && p[5] == "properties":
            return putIssueProperty(p[4], key: p[6], request)
        case ("GET", 7) where p[0...3] == ["rest", "api", "3", "issue"] && p[5] == "properties":
            return getIssueProperty(p[4], key: p[6])
        case ("POST", 6) where p[0...3] == ["rest", "api", "3", "issue"] && p[5] == "remotelink":
            return postRemoteLink(p[4], request)
        case ("GET", 6) where p[0...3] == ["rest", "api", "3", "issue"] && p[5] == "remotelink":
            return getRemoteLinks(p[4], request)
        default:
            return Self.notFound()
        }
    }

    static func errors(_ status: Int, _ messages: [String], fields: [(String, String)] = []) -> HTTPServerResponse {
        TicketingEmulatorCore.json(status, [
            "errorMessages": .array(messages.map(JSON.string)),
            "errors": .object(JSONObject(fields.map { ($0.0, JSON.string($0.1)) })),
        ])
    }

    static func notFound() -> HTTPServerResponse { errors(404, ["The requested resource could not be found."]) }

    static let noIssue = errors(404, ["Issue does not exist or you do not have permission to see it."])

    /// Service Management's own error shape (`/rest/servicedeskapi`).
    static func serviceDeskError(_ status: Int, _ message: String, key: String) -> HTTPServerResponse {
        TicketingEmulatorCore.json(status, ["errorMessage": .string(message), "i18nErrorMessage": ["i18nKey": .string(key), "parameters": []]])
    }

    /// A property value: any valid, non-empty JSON within the size cap, or the error answer.
    static func propertyValue(_ request: CapturedRequest, serviceDesk: Bool) -> Result<JSON, ErrorAnswer> {
        guard !request.body.isEmpty, let value = request.bodyJSON else {
            return .failure(ErrorAnswer(serviceDesk ? serviceDeskError(400, "The property value must be valid, non-empty JSON.", key: "sd.property.invalid.json")
                                                   : errors(400, ["The property value must be valid, non-empty JSON."])))
        }
        guard request.body.count <= maxPropertyLength else {
            return .failure(ErrorAnswer(errors(400, ["The property value is too long: at most \(maxPropertyLength) characters."])))
        }
        return .success(value)
    }

    struct ErrorAnswer: Error {
        let response: HTTPServerResponse
        init(_ response: HTTPServerResponse) { self.response = response }
    }

    func putOrganizationProperty(_ idText: String, key: String, _ request: CapturedRequest) -> HTTPServerResponse {
        let value: JSON
        switch Self.propertyValue(request, serviceDesk: true) {
        case .success(let v): value = v
        case .failure(let e): return e.response
        }
        guard key.utf8.count <= 255 else { return Self.serviceDeskError(400, "The property key is too long.", key: "sd.property.key.too.long") }
        return state.withLock { s in
            guard let id = Int64(idText), s.organizations[id] != nil else {
                return Self.serviceDeskError(404, "Organization with ID \(idText) does not exist.", key: "sd.organization.error.not.found")
            }
            let existed = s.organizations[id]!.properties[key] != nil
            s.organizations[id]!.properties[key] = value
            return HTTPServerResponse(status: existed ? 200 : 201)
        }
    }

    func getOrganizationProperty(_ idText: String, key: String) -> HTTPServerResponse {
        state.withLock { s in
            guard let id = Int64(idText), let org = s.organizations[id] else {
                return Self.serviceDeskError(404, "Organization with ID \(idText) does not exist.", key: "sd.organization.error.not.found")
            }
            guard let value = org.properties[key] else { return Self.serviceDeskError(404, "Property \(key) not found.", key: "sd.property.not.found") }
            return TicketingEmulatorCore.json(200, ["key": .string(key), "value": value])
        }
    }

    func putIssueProperty(_ idOrKey: String, key: String, _ request: CapturedRequest) -> HTTPServerResponse {
        let value: JSON
        switch Self.propertyValue(request, serviceDesk: false) {
        case .success(let v): value = v
        case .failure(let e): return e.response
        }
        return state.withLock { s in
            guard let id = s.issueID(idOrKey) else { return Self.noIssue }
            let existed = s.issues[id]!.properties[key] != nil
            s.issues[id]!.properties[key] = value
            return HTTPServerResponse(status: existed ? 200 : 201)
        }
    }

    func getIssueProperty(_ idOrKey: String, key: String) -> HTTPServerResponse {
        state.withLock { s in
            guard let id = s.issueID(idOrKey) else { return Self.noIssue }
            guard let value = s.issues[id]!.properties[key] else {
                return Self.errors(404, ["The property with key '\(key)' does not exist."])
            }
            return TicketingEmulatorCore.json(200, ["key": .string(key), "value": value])
        }
    }
}
