import InkBridgeCore

/// `inkbridge validate [FILE]`: every problem with its JSON path (exit 2), or a summary (exit 0).
enum ValidateCommand {
    @Sendable static func run(_ args: [String]) async throws(CLIError) {
        var a = try Arguments(args, valueOptions: ["store"])
        let storeSpec = a.option("store")
        try a.rejectUnknown()
        guard a.positionals.count <= 1 else { throw CLIError.usage("validate takes at most one file") }
        let path = HubFactory.configPath(a.positionals.first)
        // `secret` references need the store; open it only when one is named or exists.
        let store = storeSpec.flatMap { try? HubFactory.openStore($0) }
        defer { store?.close() }
        let loaded = try HubFactory.loadConfig(path: path, store: store)
        let tenants = loaded.config.tenants
        var byType: [String: Int] = [:]
        for t in tenants { for c in t.connectors { byType[c.type, default: 0] += 1 } }
        Output.line("\(path): valid: \(tenants.count) tenant\(tenants.count == 1 ? "" : "s"), \(byType.values.reduce(0, +)) connectors")
        for (type, n) in byType.sorted(by: { $0.key < $1.key }) { Output.line("  \(type): \(n)") }
    }
}
