import InkBridgeCore

/// `inkbridge replay DELIVERY_ID` or `inkbridge replay --connector C --dead [--tenant T]`:
/// re-queues in the store; a running `serve` picks it up (a store shared by processes).
enum ReplayCommand {
    @Sendable static func run(_ args: [String]) async throws(CLIError) {
        var a = try Arguments(args, valueOptions: ["tenant", "connector", "store", "config"])
        let tenant = a.option("tenant")
        let connector = a.option("connector")
        let dead = a.flag("dead")
        let configPath = a.option("config")
        let store = try HubFactory.openStore(HubFactory.storeSpec(a.option("store")))
        defer { store.close() }
        try a.rejectUnknown()
        let now = SystemClock().now()
        do {
            if let connector {
                guard dead, a.positionals.isEmpty else { throw CLIError.usage("usage: inkbridge replay --connector C --dead [--tenant T]") }
                let owner: String
                if let tenant { owner = tenant } else {
                    let config = try HubFactory.loadConfig(path: HubFactory.configPath(configPath), store: store)
                    let owners = config.config.tenants.filter { t in t.connectors.contains { $0.id == connector } }.map(\.id)
                    guard owners.count == 1 else {
                        throw CLIError.usage(owners.isEmpty ? "no connector \(connector) in the configuration" : "connector \(connector) exists in several tenants: add --tenant")
                    }
                    owner = owners[0]
                }
                let n = try await store.replayDead(ConnectorKey(tenant: owner, connector: connector), now: now)
                try await store.appendAudit(actor: "cli", action: "replay_dead", detail: "\(owner)/\(connector) \(n)", now: now)
                Output.line("re-queued \(n) dead deliver\(n == 1 ? "y" : "ies") of \(owner)/\(connector)")
                return
            }
            guard a.positionals.count == 1, !dead else { throw CLIError.usage("usage: inkbridge replay DELIVERY_ID | --connector C --dead") }
            let id = a.positionals[0]
            switch try await store.replay(tenant: tenant, deliveryID: id, now: now) {
            case .replayed:
                try await store.appendAudit(actor: "cli", action: "replay", detail: id, now: now)
                Output.line("re-queued \(id)")
            case .notFound: throw CLIError.invalid("no delivery \(id)")
            case .notReplayable(let s): throw CLIError.invalid("delivery \(id) is \(s.rawValue); only dead or succeeded deliveries can be replayed")
            case .stale: throw CLIError.invalid("delivery \(id) carries an older status than one already delivered; replaying it would go backwards")
            }
        } catch let e as CLIError { throw e } catch let e as StoreError { throw CLIError.runtime(e.message) } catch {
            throw CLIError.runtime("\(error)")
        }
    }
}
