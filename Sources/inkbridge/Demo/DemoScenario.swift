import Foundation
import InkBridgeCore
import InkBridgeSandbox

/// The demo's flow: set up emulators and a hub, emit the contract's life, wait, report.
enum DemoScenario {
    static func run(keepDirectory: Bool) async throws -> Bool {
        let dir = SandboxPaths.temporaryDirectory(prefix: "inkbridge-demo")
        defer { if !keepDirectory { try? FileManager.default.removeItem(atPath: dir) } }
        let systems = try DemoSystems()
        defer { systems.stop() }
        let acmeHooks = systems.acmeHooks, globexHooks = systems.globexHooks
        // One injected failure: acme's receiver answers 503 to the first "signed" delivery of ctr_42.
        acmeHooks.failNext(count: 1, status: 503, matching: .contract("ctr_42", sequence: 2))

        let config = DemoConfig.json(systems)
        try config.write(toFile: dir + "/connectors.json", atomically: true, encoding: .utf8)
        let sandbox = try await SandboxHub(config: config, registry: HubFactory.registry, environment: systems.environment, directory: dir)
        Output.line("InkBridge demo: store \(sandbox.storePath), config \(dir)/connectors.json")
        Output.line("  acme   webhook receiver \(acmeHooks.url) (fails the first 'signed' of ctr_42 with 503)")
        Output.line("  acme   Salesforce emulator \(systems.salesforce.baseURL)")
        Output.line("  acme   Zendesk emulator \(systems.zendesk.baseURL) (organisation 361, 3 open tickets and 1 solved)")
        Output.line("  globex webhook receiver \(globexHooks.url)")
        Output.line("  globex HubSpot emulator \(systems.hubspot.baseURL)")
        Output.line("")
        let crmBefore = DemoReport.crmState(systems)
        var ticketing = [("before", DemoReport.zendeskState(systems))]

        // Each status change is emitted once the previous one has been delivered everywhere,
        // as a contract's life goes; state connectors would otherwise supersede queued older statuses.
        var deliveries: [(tenant: String, event: String, id: String, connector: String)] = []
        var allLanded = true
        var crmAfterExecuted = crmBefore
        for (seq, status) in [(1, "sent"), (2, "signed"), (3, "executed"), (4, "expired")] {
            var step: [String] = []
            for (tenant, contract) in [("acme", "ctr_42"), ("globex", "ctr_7")] where status != "expired" || tenant == "acme" {
                let outcome = try await sandbox.emit(tenant: tenant, DemoConfig.event(tenant: tenant, contract: contract, sequence: seq, status: status))
                for o in outcome {
                    for d in o.deliveries {
                        deliveries.append((tenant, o.eventID, d.id, d.connector))
                        step.append(d.id)
                    }
                }
                let routed = outcome[0].deliveries.isEmpty ? "(no connector routes it)" : outcome[0].deliveries.map(\.connector).joined(separator: ", ")
                Output.line("emit  \(tenant.padded(7)) \(contract.padded(7)) #\(seq) \(status.padded(9)) -> \(routed)")
            }
            for id in step {
                let detail = await sandbox.waitForDelivery(id, timeout: 20) { $0.summary.state.isTerminal }
                if detail?.summary.state != .succeeded { allLanded = false }
            }
            if status == "executed" { crmAfterExecuted = DemoReport.crmState(systems) }
            if status == "executed" || status == "expired" { ticketing.append(("after \(status)", DemoReport.zendeskState(systems))) }
        }
        Output.line("")
        await sandbox.stop()

        Output.line("What each connector did (attempts per delivery, in emit order):")
        let store = try SQLiteEventStore(path: sandbox.storePath)
        defer { store.close() }
        for d in deliveries {
            guard let detail = try await store.delivery(tenant: d.tenant, id: d.id) else { continue }
            let attempts = detail.attempts.map { a in
                "#\(a.number) \(a.httpStatus.map(String.init) ?? (a.error?.code ?? "-")) \(String(format: "%.1f", a.durationMs))ms"
            }.joined(separator: ", ")
            Output.line("  \(d.tenant.padded(7)) \(d.connector.padded(16)) \(detail.summary.contractID)#\(detail.summary.sequence) \(detail.summary.state.rawValue.padded(10)) \(attempts)")
        }
        Output.line("")
        for (tenant, receiver) in [("acme", acmeHooks), ("globex", globexHooks)] {
            Output.line("\(tenant) webhook receiver saw, in arrival order:")
            for r in receiver.requests {
                let status = r.json?[path: "contract.status"]?.stringValue ?? "?"
                Output.line("  \(r.contractID ?? "?")#\(r.sequence.map(String.init) ?? "?") \(status.padded(9)) answered \(r.status)  webhook-id \(r.webhookID ?? "-")  signature \(r.signature.rawValue)")
            }
        }
        Output.line("")
        DemoReport.printCRM(before: crmBefore, after: crmAfterExecuted)
        Output.line("")
        DemoReport.printZendesk(ticketing)
        Output.line("")
        Output.line(allLanded ? "demo: every delivery landed" : "demo: some deliveries did not land")
        return allLanded
    }
}
