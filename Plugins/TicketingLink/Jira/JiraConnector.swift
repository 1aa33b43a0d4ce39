import InkBridgeCore

/// Brings a Jira Service Management organisation and its open issues up to date with a
/// contract's entitlement.
///
/// Safe to repeat from the start: entity properties are PUT whole (the value is replaced, so a
/// renewal's targets replace the old ones), and the remote link carries a stable `globalId`,
/// which Jira treats as "update the link with this id" rather than "add another".
struct JiraConnector: Connector {
    let settings: JiraSettings
    let client: TicketingClient

    init(settings: JiraSettings, context: ConnectorContext) {
        self.settings = settings
        self.client = TicketingClient(system: "Jira", context: context, secrets: settings.redact, errorMessage: APIErrorText.jira)
    }

    var auth: [(name: String, value: String)] { [("Authorization", settings.authorization)] }

    func deliver(_ delivery: Delivery) async -> DeliveryOutcome {
        do {
            guard let job = try EntitlementDelivery.prepare(delivery, system: "Jira", refPath: settings.orgRef,
                                                            refSetting: "org_ref", contractURL: settings.contractURL)
            else { return EntitlementDelivery.nothingToDo(delivery.event) }
            let value = job.entitlement.json.serialized()
            let key = URLTemplate.percentEncode(settings.propertyKey)

            // The organisation property API is marked experimental in JSM Cloud: it wants the opt-in header.
            let orgURL = "\(settings.baseURL)/rest/servicedeskapi/organization/\(URLTemplate.percentEncode(job.ref))/property/\(key)"
            var lastStatus = try await client.send("PUT", orgURL, headers: auth + [("X-ExperimentalApi", "opt-in")], body: value).status

            let issues = try await openIssues(org: job.ref)
            let globalID = Self.globalID(tenant: delivery.tenantID, contractID: job.entitlement.contractID)
            var links = 0
            for issue in issues {
                let base = "\(settings.baseURL)/rest/api/3/issue/\(URLTemplate.percentEncode(issue))"
                // An issue deleted since the search is skipped, not a failure.
                guard let set = try await client.sendUnlessGone("PUT", "\(base)/properties/\(key)", headers: auth, body: value) else { continue }
                lastStatus = set.status
                if let url = job.entitlement.contractURL,
                   let status = try await upsertLink(base, globalID: globalID, url: url, job: job, event: delivery.event) {
                    lastStatus = status
                    links += 1
                }
            }
            let verb = job.change == .grant ? "granted" : "revoked"
            return .success(httpStatus: lastStatus,
                            detail: "\(verb) \(job.entitlement.tier ?? "entitlement") for \(job.entitlement.contractID): organisation \(job.ref) property \(settings.propertyKey) written; \(issues.count) open issues, \(links) remote links")
        } catch {
            return error.outcome
        }
    }

    /// `inkbridge:{tenant}:{contract.id}`: one link per contract per issue. Jira caps `globalId` at
    /// 255 characters; a longer one is replaced by its hash, still stable across repeats.
    static func globalID(tenant: String, contractID: String) -> String {
        let id = "inkbridge:\(tenant):\(contractID)"
        return id.utf8.count <= 255 ? id : "inkbridge:sha256:" + Digest.sha256Hex(Array(id.utf8))
    }

    /// Creates or updates the contract link (`POST .../remotelink` with `globalId`). On revoke only
    /// an existing link is touched (marked resolved): a revoked contract adds nothing new to an issue.
    /// Nil when nothing was sent.
    func upsertLink(_ issueURL: String, globalID: String, url: String, job: EntitlementDelivery,
                    event: ContractEvent) async throws(DeliveryStop) -> Int? {
        let linkURL = "\(issueURL)/remotelink"
        if job.change == .revoke {
            let lookup = "\(linkURL)?globalId=\(URLTemplate.percentEncode(globalID))"
            let found = try await client.exchange("GET", lookup, headers: auth)
            if found.status == 404 { return nil }
            guard (200..<300).contains(found.status) else { throw client.failure(found, method: "GET", url: lookup) }
        }
        let e = job.entitlement
        let title = event[path: "contract.title"]?.stringValue ?? "Contract \(e.contractID)"
        var summary = "SLA \(e.tier ?? "entitlement")"
        if let hours = e.businessHours { summary += " (\(hours))" }
        if let from = e.effectiveDate, let to = e.expiryDate { summary += ", \(from) to \(to)" }
        if job.change == .revoke { summary += ", revoked: contract \(e.status)" }
        let body: JSON = [
            "globalId": .string(globalID),
            "application": ["type": "com.inkbridge", "name": "InkBridge"],
            "relationship": "SLA contract",
            "object": [
                "url": .string(url),
                "title": .string(title),
                "summary": .string(summary),
                "status": ["resolved": .bool(job.change == .revoke)],
            ],
        ]
        return try await client.send("POST", linkURL, headers: auth, body: body.serialized()).status
    }
}
