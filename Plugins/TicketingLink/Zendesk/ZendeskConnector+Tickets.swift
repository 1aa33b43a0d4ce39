import InkBridgeCore

/// A ticket as the organisation's ticket list shows it: just what reconciling needs.
struct ZendeskTicketState: Sendable, Equatable {
    let id: String
    let status: String
    let priority: String?
    let tags: [String]

    /// SPEC 8.2: "open" is any status below `solved`.
    static let openStatuses: Set<String> = ["new", "open", "pending", "hold"]
}

extension ZendeskConnector {
    /// Cursor pagination caps a page at 100 tickets.
    static let pageSize = 100

    /// Every open ticket of the organisation, across all pages.
    ///
    /// `GET /api/v2/organizations/{id}/tickets.json` rather than the search API: search is
    /// eventually consistent (a ticket opened a second ago may be missing) and the organisation list
    /// is not. Cursor pagination (`page[size]`, then `page[after]` = `meta.after_cursor` while
    /// `meta.has_more`); an offset-style answer's `next_page` is followed when it stays on `base_url`.
    func openTickets(_ org: String) async throws(DeliveryStop) -> [ZendeskTicketState] {
        let first = "\(settings.baseURL)/api/v2/organizations/\(org)/tickets.json?page%5Bsize%5D=\(Self.pageSize)"
        var url = first
        var seenCursors: Set<String> = []
        var open: [ZendeskTicketState] = []
        while true {
            let response = try await client.send("GET", url, headers: auth)
            let page = try client.json(response, method: "GET", url: url)
            guard let tickets = page["tickets"]?.arrayValue else {
                throw invalid("GET", url, "has no \"tickets\" list", response)
            }
            for t in tickets {
                guard let id = t["id"]?.scalarText, let status = t["status"]?.stringValue else { continue }
                guard ZendeskTicketState.openStatuses.contains(status) else { continue }
                let tags = (t["tags"]?.arrayValue ?? []).compactMap(\.stringValue)
                open.append(ZendeskTicketState(id: id, status: status, priority: t["priority"]?.stringValue, tags: tags))
            }
            if let meta = page["meta"]?.objectValue {
                guard meta["has_more"]?.boolValue == true else { break }
                guard let after = meta["after_cursor"]?.stringValue, !after.isEmpty else {
                    throw invalid("GET", url, "says has_more without an after_cursor", response)
                }
                // A cursor seen before would loop for ever.
                guard seenCursors.insert(after).inserted else { throw invalid("GET", url, "repeats the cursor \(after)", response) }
                url = first + "&page%5Bafter%5D=" + URLTemplate.percentEncode(after)
            } else if let next = page["next_page"]?.stringValue, !next.isEmpty {
                guard next.hasPrefix(settings.baseURL + "/"), seenCursors.insert(next).inserted else {
                    throw invalid("GET", url, "points next_page outside base_url or back to a page already read", response)
                }
                url = next
            } else {
                break
            }
        }
        return open
    }

    /// Brings one open ticket to the wanted state; nil when it already was (no request sent) or
    /// when it was deleted since the listing.
    ///
    /// Tags starting with `tag_prefix` belong to this connector: on grant a ticket keeps exactly
    /// `<tag_prefix><tier>` (a renewal to another tier drops the old one), on revoke it keeps none.
    /// Every other tag is left alone, since the tags endpoint adds and removes only what it is given.
    func reconcile(_ ticket: ZendeskTicketState, _ job: EntitlementDelivery) async throws(DeliveryStop) -> Int? {
        let tagsURL = "\(settings.baseURL)/api/v2/tickets/\(URLTemplate.percentEncode(ticket.id))/tags.json"
        var status: Int?
        var wanted: String?
        var priority: String?
        if job.change == .grant, let tier = job.entitlement.tier {
            wanted = settings.tag(forTier: tier)
            priority = settings.priority(forTier: tier)
        }
        let stale = ticket.tags.filter { $0.hasPrefix(settings.tagPrefix.lowercased()) && $0 != wanted }
        if let wanted, !ticket.tags.contains(wanted) {
            let body: JSON = ["tags": [.string(wanted)]]
            guard let r = try await client.sendUnlessGone("PUT", tagsURL, headers: auth, body: body.serialized()) else { return nil }
            status = r.status
        }
        if !stale.isEmpty {
            let body: JSON = ["tags": .array(stale.map(JSON.string))]
            guard let r = try await client.sendUnlessGone("DELETE", tagsURL, headers: auth, body: body.serialized()) else { return nil }
            status = r.status
        }
        if let priority, ticket.priority != priority {
            let url = "\(settings.baseURL)/api/v2/tickets/\(URLTemplate.percentEncode(ticket.id)).json"
            let body: JSON = ["ticket": ["priority": .string(priority)]]
            guard let r = try await client.sendUnlessGone("PUT", url, headers: auth, body: body.serialized()) else { return nil }
            status = r.status
        }
        return status
    }

    func invalid(_ method: String, _ url: String, _ what: String, _ response: HTTPResponse) -> DeliveryStop {
        DeliveryStop(.retry("invalid_response", "Zendesk \(method) \(TicketingClient.path(of: url)) answered a page that \(what)",
                            httpStatus: response.status, excerpt: client.redactor.excerpt(response.body)))
    }
}
