import InkBridgeCore

/// `inkbridge deliveries [--tenant T] [--status S] [--connector C] [--limit N]`: newest first, one line each.
enum DeliveriesCommand {
    @Sendable static func run(_ args: [String]) async throws(CLIError) {
        var a = try Arguments(args, valueOptions: ["tenant", "status", "connector", "contract", "limit", "store"])
        var query = DeliveryQuery(tenant: a.option("tenant"), connector: a.option("connector"), contract: a.option("contract"), limit: 100)
        if let s = a.option("status") {
            guard let st = DeliveryState(rawValue: s) else {
                throw CLIError.usage("unknown status \(s): one of \(DeliveryState.allCases.map(\.rawValue).joined(separator: " "))")
            }
            query.state = st
        }
        if let l = a.option("limit") {
            guard let n = Int(l), n > 0 else { throw CLIError.usage("--limit needs a positive number") }
            query.limit = n
        }
        let json = a.flag("json")
        let store = try HubFactory.openStore(HubFactory.storeSpec(a.option("store")))
        defer { store.close() }
        try a.rejectUnknown()
        guard a.positionals.isEmpty else { throw CLIError.usage("deliveries takes no positional argument") }
        let page: Page<DeliverySummary>
        do { page = try await store.deliveries(query) } catch { throw CLIError.runtime(error.message) }
        if json {
            Output.json(.object(JSONObject([("items", .array(page.items.map(\.json))), ("next_cursor", page.nextCursor.map { .string($0) } ?? .null)])))
            return
        }
        Output.line("ID                               TENANT/CONNECTOR          CONTRACT#SEQ          STATE       ATTEMPTS  LAST ERROR")
        for d in page.items {
            let lane = "\(d.tenant)/\(d.connector)"
            let contract = "\(d.contractID)#\(d.sequence)"
            Output.line("\(d.id.padded(32)) \(lane.padded(25)) \(contract.padded(21)) \(d.state.rawValue.padded(11)) \(String(d.attempts).padded(9)) \(d.lastError ?? "")")
        }
    }
}

extension String {
    func padded(_ width: Int) -> String { count >= width ? self : self + String(repeating: " ", count: width - count) }
}
