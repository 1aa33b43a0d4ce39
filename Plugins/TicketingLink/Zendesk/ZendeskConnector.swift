import InkBridgeCore

/// Brings one Zendesk organisation and its open tickets up to date with a contract's entitlement.
///
/// Every step is safe to repeat from the start after a crash: the organisation update writes
/// whole values, tags go through the add/remove tags endpoint (a set, never a replaced list), and
/// a ticket already in the wanted state gets no request at all.
struct ZendeskConnector: Connector {
    let settings: ZendeskSettings
    let client: TicketingClient

    init(settings: ZendeskSettings, context: ConnectorContext) {
        self.settings = settings
        self.client = TicketingClient(system: "Zendesk", context: context, secrets: settings.redact, errorMessage: APIErrorText.zendesk)
    }

    var auth: [(name: String, value: String)] { [("Authorization", settings.authorization)] }

    func deliver(_ delivery: Delivery) async -> DeliveryOutcome {
        do {
            guard let job = try EntitlementDelivery.prepare(delivery, system: "Zendesk", refPath: settings.orgRef,
                                                            refSetting: "org_ref", contractURL: settings.contractURL)
            else { return EntitlementDelivery.nothingToDo(delivery.event) }
            // The reference goes into a path segment: encoded so it cannot add path parts or a query.
            let org = URLTemplate.percentEncode(job.ref)
            var lastStatus: Int?
            if !settings.orgFields.isEmpty {
                lastStatus = try await updateOrganization(org, job)
            }
            let tickets = try await openTickets(org)
            var changed = 0
            for ticket in tickets {
                if let status = try await reconcile(ticket, job) {
                    changed += 1
                    lastStatus = status
                }
            }
            let verb = job.change == .grant ? "granted" : "revoked"
            let fields = settings.orgFields.isEmpty ? "no organisation fields mapped" : "organisation \(job.ref) fields written"
            return .success(httpStatus: lastStatus ?? 200,
                            detail: "\(verb) \(job.entitlement.tier ?? "entitlement") for \(job.entitlement.contractID): \(fields); \(changed) of \(tickets.count) open tickets updated")
        } catch {
            return error.outcome
        }
    }

    /// `PUT /api/v2/organizations/{id}.json` with the mapped `organization_fields`. On revoke every
    /// mapped field is cleared and a field mapped to `active` set false, so no stale tier remains.
    func updateOrganization(_ org: String, _ job: EntitlementDelivery) async throws(DeliveryStop) -> Int {
        var fields = JSONObject()
        for m in settings.orgFields {
            switch job.change {
            case .grant: fields[m.key] = job.entitlement.fieldValue(m.field) ?? .null
            case .revoke: fields[m.key] = m.field == "active" ? .bool(false) : .null
            }
        }
        let body: JSON = ["organization": ["organization_fields": .object(fields)]]
        let url = "\(settings.baseURL)/api/v2/organizations/\(org).json"
        return try await client.send("PUT", url, headers: auth, body: body.serialized()).status
    }
}
