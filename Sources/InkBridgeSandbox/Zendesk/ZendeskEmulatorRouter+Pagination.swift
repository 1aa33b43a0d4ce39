import InkBridgeCore
import MicroHTTP

extension ZendeskEmulatorRouter {
    /// `GET /api/v2/organizations/{id}/tickets`, every status, by ticket id.
    ///
    /// With `page[size]`: cursor pagination (`meta.has_more`, `meta.after_cursor`, `links.next`;
    /// `page[after]` continues). Without: offset pagination (`page`, `per_page`, `next_page`, `count`).
    /// Both are capped at `maxPageSize` so tests cross pages with few tickets.
    func organizationTickets(_ org: Int64, _ request: CapturedRequest) -> HTTPServerResponse {
        let found = state.withLock { s -> [ZendeskTicket]? in
            guard s.organizations[org] != nil else { return nil }
            return s.tickets.values.filter { $0.organizationID == org }.sorted { $0.id < $1.id }
        }
        guard let all = found else { return Self.notFound() }
        let origin = TicketingEmulatorCore.origin(request)
        let base = "\(origin)/api/v2/organizations/\(org)/tickets.json"

        if let sizeText = request.queryValue("page[size]") {
            guard let requested = Int(sizeText), requested >= 1, requested <= 100 else {
                return TicketingEmulatorCore.json(400, ["error": "InvalidPaginationParameter", "description": "page[size] must be 1 to 100"])
            }
            let size = min(requested, configuration.maxPageSize)
            var start = 0
            if let after = request.queryValue("page[after]") {
                guard let p = TicketingEmulatorCore.position(ofCursor: after), p >= 0, p <= all.count else {
                    return TicketingEmulatorCore.json(400, ["error": "InvalidPaginationParameter", "description": "invalid cursor"])
                }
                start = p
            }
            let page = Array(all[start..<min(start + size, all.count)])
            let end = start + page.count
            let hasMore = end < all.count
            let after: JSON = page.isEmpty ? .null : .string(TicketingEmulatorCore.cursor(end))
            let before: JSON = page.isEmpty ? .null : .string(TicketingEmulatorCore.cursor(start))
            return TicketingEmulatorCore.json(200, [
                "tickets": .array(page.map(\.json)),
                "meta": ["has_more": .bool(hasMore), "after_cursor": after, "before_cursor": before],
                "links": [
                    "next": hasMore ? .string("\(base)?page[size]=\(requested)&page[after]=\(TicketingEmulatorCore.cursor(end))") : .null,
                    "prev": start > 0 ? .string("\(base)?page[size]=\(requested)&page[before]=\(TicketingEmulatorCore.cursor(start))") : .null,
                ],
            ])
        }

        let perPage = min(Int(request.queryValue("per_page") ?? "") ?? 100, configuration.maxPageSize, 100)
        let pageNumber = max(Int(request.queryValue("page") ?? "") ?? 1, 1)
        let start = min((pageNumber - 1) * perPage, all.count)
        let page = all[start..<min(start + perPage, all.count)]
        let hasMore = start + page.count < all.count
        return TicketingEmulatorCore.json(200, [
            "tickets": .array(page.map(\.json)),
            "next_page": hasMore ? .string("\(base)?page=\(pageNumber + 1)&per_page=\(perPage)") : .null,
            "previous_page": pageNumber > 1 ? .string("\(base)?page=\(pageNumber - 1)&per_page=\(perPage)") : .null,
            "count": JSON(all.count),
        ])
    }
}
