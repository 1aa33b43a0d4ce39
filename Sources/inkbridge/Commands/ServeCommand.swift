import Dispatch
import Foundation
import InkBridgeCore
import InkBridgeServer
import MicroHTTP

/// `inkbridge serve`: loads the configuration, opens the store, runs the
/// dispatcher and the HTTP API until SIGTERM/SIGINT, then stops taking work:
/// new requests are answered 503, requests in progress finish, deliveries in flight
/// finish (each bounded), and it exits 0.
enum ServeCommand {
    /// One descriptor per outbound connection and per API client: the soft limit (often 1,024)
    /// goes up to the hard one, as servers do.
    static func raiseOpenFileLimit() {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur < limit.rlim_max else { return }
        limit.rlim_cur = limit.rlim_max
        _ = setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
    }

    @Sendable static func run(_ args: [String]) async throws(CLIError) {
        var a = try Arguments(args, valueOptions: ["config", "store", "listen", "max-in-flight"])
        let configPath = HubFactory.configPath(a.option("config"))
        let storeSpec = HubFactory.storeSpec(a.option("store"))
        let environment = ProcessInfo.processInfo.environment
        let listen = try ListenAddress(a.option("listen") ?? environment["INKBRIDGE_LISTEN"] ?? "127.0.0.1:8080")
        var dispatcherConfig = Dispatcher.Configuration()
        if let m = a.option("max-in-flight") {
            guard let n = Int(m), n > 0 else { throw CLIError.usage("--max-in-flight needs a positive number") }
            dispatcherConfig.maxInFlight = n
        }
        try a.rejectUnknown()
        guard a.positionals.isEmpty else { throw CLIError.usage("serve takes no positional argument") }
        let shutdown = ShutdownSignal()
        let store = try HubFactory.openStore(storeSpec)
        let config = try HubFactory.loadConfig(path: configPath, store: store)
        // As many connections as deliveries may be in flight: a lower cap would queue requests inside
        // curl, where a stalled connector's transfers would hold connections other tenants wait for.
        Self.raiseOpenFileLimit()
        let transport = CurlTransport(maxTotalConnections: dispatcherConfig.maxInFlight)
        let spool: SpoolDirectory
        do { spool = try SpoolDirectory.claim() } catch {
            throw CLIError.runtime("cannot create the spool directory under \(NSTemporaryDirectory()): \(error)")
        }
        // Runs once the dispatcher has stopped and every transfer has ended (or on a failed start).
        defer { spool.remove() }
        let hub = Hub(store: store, registry: HubFactory.registry, transport: transport, temporaryDirectory: spool.path,
                      dispatcher: dispatcherConfig)
        do {
            try await hub.apply(config)
            try await store.appendAudit(actor: "serve", action: "config_loaded", detail: configPath, now: hub.clock.now())
        } catch let e as HubError { throw CLIError.invalid(e.message) } catch { throw CLIError.runtime("\(error)") }
        let api = APIServer(hub: hub, operatorToken: environment["INKBRIDGE_OPERATOR_TOKEN"]) {
            HubFactory.loadConfigResult(path: configPath, store: store)
        }
        let server: MicroHTTPServer
        do { server = try api.listen(host: listen.host, port: listen.port) } catch {
            throw CLIError.runtime("cannot listen on \(listen.host):\(listen.port): \(error)")
        }
        // A dispatcher that cannot run (its store failed at start-up) must not leave an API that
        // acknowledges events nobody delivers: it stops the process, which then exits 1.
        let dispatcher = Task { () -> StoreError? in
            do throws(StoreError) {
                try await hub.dispatcher.run()
                return nil
            } catch {
                Output.error("inkbridge serve: the dispatcher stopped: \(error.message)")
                kill(getpid(), SIGTERM)
                return error
            }
        }
        let shown = listen.host.contains(":") ? "[\(listen.host)]" : listen.host
        Output.error("inkbridge serve: \(config.config.tenants.count) tenants, store \(storeSpec), listening on http://\(shown):\(server.port), allocator \(Allocator.description)")
        _ = await shutdown.wait()
        Output.error("inkbridge serve: stopping")
        // stop() blocks while requests in progress finish (bounded): keep it off the cooperative pool.
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            DispatchQueue.global().async {
                server.stop()
                done.resume()
            }
        }
        await hub.dispatcher.stop(timeout: 10)
        let failure = await dispatcher.value
        transport.shutdown()
        store.close()
        if let failure { throw CLIError.runtime("the dispatcher stopped: \(failure.message)") }
        Output.error("inkbridge serve: stopped")
    }
}
