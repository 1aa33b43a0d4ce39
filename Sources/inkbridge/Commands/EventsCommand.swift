import InkBridgeCore

/// `inkbridge events show ID --tenant T`: the event as ingested and its deliveries.
enum EventsCommand {
    @Sendable static func run(_ args: [String]) async throws(CLIError) {
        var a = try Arguments(args, valueOptions: ["tenant", "store"])
        guard let tenant = a.option("tenant") else { throw CLIError.usage("events show needs --tenant T") }
        let store = try HubFactory.openStore(HubFactory.storeSpec(a.option("store")))
        defer { store.close() }
        try a.rejectUnknown()
        guard a.positionals.count == 2, a.positionals[0] == "show" else { throw CLIError.usage("usage: inkbridge events show ID --tenant T") }
        let id = a.positionals[1]
        do {
            guard let event = try await store.event(tenant: tenant, id: id) else { throw CLIError.invalid("no event \(id) for tenant \(tenant)") }
            Output.json(event.json)
        } catch let e as CLIError { throw e } catch { throw CLIError.runtime("\(error)") }
    }
}
