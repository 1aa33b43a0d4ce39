import Foundation
import InkBridgeCore

/// Diagnostic, not one of issue 7's suites (runs only with `--only deliverpath`): the hub's
/// cost per delivery in this process, without `inkbridge serve` around it: events preloaded
/// while nothing delivers, then the hub's dispatcher, webhook connector and libcurl transport
/// deliver them to nginx until all succeeded. The CPU time of this process per delivery;
/// under `valgrind --tool=callgrind` with `INKBRIDGE_DELIVERPATH_EVENTS=5000` and
/// `INKBRIDGE_DELIVERPATH_URL` (an nginx started beforehand) it gives repeatable instruction
/// counts (the kernel's part is not counted).
enum DeliverPathSuite {
    static func run(_ ctx: BenchContext) throws(BenchError) {
        // Under valgrind nginx cannot be started from this process: INKBRIDGE_DELIVERPATH_URL names one already running.
        let url: String
        if let given = ProcessInfo.processInfo.environment["INKBRIDGE_DELIVERPATH_URL"] { url = given } else { url = try ctx.nginx().url }
        let setup = try ctx.diagnostic("deliverpath", tenant: "dp", url: url, concurrency: ctx.options.concurrency, full: 100_000)
        let (tenant, config, db, events) = (setup.tenant, setup.config, setup.db, setup.count)
        try setup.preload(size: 1024)
        let counter = try DeliveryCounter(path: db)
        let running: (hub: Hub, store: SQLiteEventStore, transport: CurlTransport, dispatcher: Task<Void, Never>)
        let cpuBefore = ProcStat.cpuSeconds(getpid())
        let start = DispatchTime.now().uptimeNanoseconds
        do {
            running = try blockingAwait {
                let store = try SQLiteEventStore(path: db)
                let transport = CurlTransport(maxTotalConnections: 256)
                let hub = try await BenchHub.make(store: store, config: config, transport: transport)
                return (hub, store, transport, Task { try? await hub.dispatcher.run() })
            }
        } catch { throw BenchError("deliverpath: \(error)") }
        // Polled, as the drain suite polls: there is no event to wait on across the store.
        while counter.allFinished([tenant]) != true { usleep(20_000) }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let cpu = ProcStat.cpuSeconds(getpid()) - cpuBefore
        let result = (seconds: seconds, cpu: cpu)
        try? blockingAwait {
            await running.hub.dispatcher.stop(timeout: 5)
            running.dispatcher.cancel()
            _ = await running.dispatcher.value
        }
        running.transport.shutdown()
        running.store.close()
        let succeeded = counter.succeeded([tenant]) ?? -1
        guard succeeded == events else { throw BenchError("deliverpath: \(succeeded) of \(events) deliveries succeeded") }
        ctx.report.add("deliverpath", "deliverpath_cpu_us", result.cpu / Double(events) * 1e6, "µs/deliv")
        ctx.report.note("deliverpath", "\(events) deliveries of 1 KiB events to nginx by the hub's dispatcher in this process, "
                        + "connector concurrency \(ctx.options.concurrency): \(String(format: "%.2f", result.seconds)) s, "
                        + "\(String(format: "%.1f", result.cpu / Double(events) * 1e6)) µs of CPU each (nginx not counted)")
    }
}
