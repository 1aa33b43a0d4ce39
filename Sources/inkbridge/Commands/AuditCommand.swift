import InkBridgeCore

/// `inkbridge audit verify`: checks the hash chain of the audit log.
enum AuditCommand {
    @Sendable static func run(_ args: [String]) async throws(CLIError) {
        var a = try Arguments(args, valueOptions: ["store"])
        let store = try HubFactory.openStore(HubFactory.storeSpec(a.option("store")))
        defer { store.close() }
        try a.rejectUnknown()
        guard a.positionals == ["verify"] else { throw CLIError.usage("usage: inkbridge audit verify [--store ...]") }
        let entries: [AuditEntry]
        do { entries = try await store.auditEntries() } catch { throw CLIError.runtime(error.message) }
        if let broken = AuditChain.verify(entries) {
            throw CLIError.runtime("audit log tampered: the chain breaks at entry \(broken) of \(entries.count)")
        }
        Output.line("audit log intact: \(entries.count) entr\(entries.count == 1 ? "y" : "ies"), chain verified")
    }
}
