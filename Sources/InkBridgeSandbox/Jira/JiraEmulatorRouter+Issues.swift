import InkBridgeCore
import MicroHTTP

extension JiraEmulatorRouter {
    static let searchKeys: Set<String> = ["jql", "maxResults", "nextPageToken", "fields", "expand", "properties", "fieldsByKeys", "reconcileIssues"]

    /// `POST /rest/api/3/search/jql`: token pagination. `startAt` is not part of this endpoint and
    /// is refused as Jira does; the last page carries no `nextPageToken` (Jira omits it).
    func search(_ request: CapturedRequest) -> HTTPServerResponse {
        guard let body = request.bodyJSON?.objectValue, body.keys.allSatisfy(Self.searchKeys.contains) else {
            return Self.errors(400, ["Invalid request payload. Refer to the REST API documentation and try again."])
        }
        guard let jql = body["jql"]?.stringValue else { return Self.errors(400, ["JQL query is required."]) }
        let filter: JiraJQLFilter
        switch JiraJQLFilter.parse(jql) {
        case .success(let f): filter = f
        case .failure(let e): return Self.errors(400, [e.message])
        }
        let requested = body["maxResults"]?.int64Value.map { Int(clamping: $0) } ?? 50
        let size = max(1, min(requested, configuration.maxPageSize, 5000))
        var start = 0
        if let token = body["nextPageToken"]?.stringValue {
            guard let p = TicketingEmulatorCore.position(ofCursor: token), p >= 0 else {
                return Self.errors(400, ["The provided next page token is invalid or expired."])
            }
            start = p
        }
        let origin = TicketingEmulatorCore.origin(request)
        let matching = state.withLock { s in
            s.issues.values.filter { filter.matches($0, organizations: s.organizations) }.sorted { $0.id < $1.id }
        }
        let page = matching[min(start, matching.count)..<min(start + size, matching.count)]
        let end = start + page.count
        var answer = JSONObject([("issues", .array(page.map { $0.json(origin: origin) }))])
        if end < matching.count { answer["nextPageToken"] = .string(TicketingEmulatorCore.cursor(end)) }
        answer["isLast"] = .bool(end >= matching.count)
        return TicketingEmulatorCore.json(200, .object(answer))
    }

    /// Creates a link, or updates the one with the same `globalId` (fields left out become null).
    func postRemoteLink(_ idOrKey: String, _ request: CapturedRequest) -> HTTPServerResponse {
        guard let body = request.bodyJSON, body.objectValue != nil else {
            return Self.errors(400, ["Invalid request payload. Refer to the REST API documentation and try again."])
        }
        var missing: [(String, String)] = []
        if body[path: "object.url"]?.stringValue?.isEmpty ?? true { missing.append(("url", "'url' is required.")) }
        if body[path: "object.title"]?.stringValue?.isEmpty ?? true { missing.append(("title", "'title' is required.")) }
        if !missing.isEmpty { return Self.errors(400, [], fields: missing) }
        let globalID = body["globalId"]?.stringValue
        if let globalID, globalID.count > 255 { return Self.errors(400, [], fields: [("globalId", "The globalId is too long.")]) }
        let origin = TicketingEmulatorCore.origin(request)
        return state.withLock { s in
            guard let id = s.issueID(idOrKey) else { return Self.noIssue }
            let linkID: Int64
            let status: Int
            if let globalID, let i = s.issues[id]!.remoteLinks.firstIndex(where: { $0.globalID == globalID }) {
                s.issues[id]!.remoteLinks[i].body = body
                linkID = s.issues[id]!.remoteLinks[i].id
                status = 200
            } else {
                s.nextLinkID += 1
                linkID = s.nextLinkID
                s.issues[id]!.remoteLinks.append(JiraRemoteLink(id: linkID, globalID: globalID, body: body))
                status = 201
            }
            return TicketingEmulatorCore.json(status, ["id": JSON(linkID), "self": .string("\(origin)/rest/api/3/issue/\(idOrKey)/remotelink/\(linkID)")])
        }
    }

    /// All links, or with `?globalId=` the one link (404 when there is none).
    func getRemoteLinks(_ idOrKey: String, _ request: CapturedRequest) -> HTTPServerResponse {
        state.withLock { s in
            guard let id = s.issueID(idOrKey) else { return Self.noIssue }
            let links = s.issues[id]!.remoteLinks
            func render(_ l: JiraRemoteLink) -> JSON {
                var o = l.body.objectValue ?? JSONObject()
                o["id"] = JSON(l.id)
                return .object(o)
            }
            if let globalID = request.queryValue("globalId") {
                guard let link = links.first(where: { $0.globalID == globalID }) else {
                    return Self.errors(404, ["No remote link with the given globalId was found."])
                }
                return TicketingEmulatorCore.json(200, render(link))
            }
            return TicketingEmulatorCore.json(200, .array(links.map(render)))
        }
    }
}
