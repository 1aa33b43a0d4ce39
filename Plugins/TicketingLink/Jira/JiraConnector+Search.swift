import InkBridgeCore

extension JiraConnector {
    static let pageSize = 100

    /// The ids of every open issue of the organisation, across all pages.
    ///
    /// `POST /rest/api/3/search/jql` (the enhanced search that replaced `/rest/api/3/search`):
    /// token pagination, `nextPageToken` from each answer sent back until an answer has none or
    /// says `isLast` (Jira leaves the token out of the last page rather than sending null).
    func openIssues(org: String) async throws(DeliveryStop) -> [String] {
        let url = "\(settings.baseURL)/rest/api/3/search/jql"
        let jql = settings.openIssuesJQL(org: org)
        var token: String?
        var seen: Set<String> = []
        var ids: [String] = []
        while true {
            var request = JSONObject([("jql", .string(jql)), ("fields", ["status"]), ("maxResults", JSON(Self.pageSize))])
            if let token { request["nextPageToken"] = .string(token) }
            let response = try await client.send("POST", url, headers: auth, body: JSON.object(request).serialized())
            let page = try client.json(response, method: "POST", url: url)
            guard let issues = page["issues"]?.arrayValue else {
                throw DeliveryStop(.retry("invalid_response", "Jira POST /rest/api/3/search/jql answered a page without an \"issues\" list",
                                          httpStatus: response.status, excerpt: client.redactor.excerpt(response.body)))
            }
            ids += issues.compactMap { $0["id"]?.scalarText ?? $0["key"]?.stringValue }
            guard page["isLast"]?.boolValue != true, let next = page["nextPageToken"]?.stringValue, !next.isEmpty else { break }
            // A token seen before would loop for ever.
            guard seen.insert(next).inserted else {
                throw DeliveryStop(.retry("invalid_response", "Jira POST /rest/api/3/search/jql repeated a nextPageToken",
                                          httpStatus: response.status))
            }
            token = next
        }
        return ids
    }
}
