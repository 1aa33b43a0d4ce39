import Foundation

/// Suite 3: a backlog of events (1 KiB, distinct contracts) for one tenant
/// with one webhook connector to nginx, stored in-process while no dispatcher
/// runs; then the real `inkbridge serve` delivers them all. `drain_rps` is
/// deliveries per second from the hub's launch to the poll that sees the last
/// one succeeded, set against `raw_rps` (target at least half).
enum DrainSuite {
    static func run(_ ctx: BenchContext) throws(BenchError) {
        let sink = try ctx.nginx()
        let n = ctx.scale.drainEvents
        let dir = try ctx.workspace.directory("drain")
        let tenant = BenchTenant(id: "drain", url: sink.url, concurrency: ctx.options.concurrency)
        let config = try BenchHubConfig.write([tenant], dir: dir)
        let store = dir + "/hub.db"
        BenchContext.log("drain: storing \(n) events in-process")
        let prep: Double
        do { prep = try Preloader.load(store: store, config: config, jobs: [.init(tenant: tenant, prefix: "drn-", count: n, size: 1024)]) } catch {
            throw BenchError("preload: \(error)")
        }
        BenchContext.log("drain: stored in \(String(format: "%.1f", prep)) s; starting the hub")
        var setup = DrainRun.Setup(dir: dir, config: config, store: store, tenants: [tenant], target: n)
        if ctx.options.perf { setup.perfReport = (ctx.options.output as NSString).deletingLastPathComponent + "/drain-perf.txt" }
        let run = try DrainRun.run(ctx, setup)
        ctx.report.foreign("drain", run.otherCPU)
        let rate = run.timing.rate() ?? 0
        let raw = ctx.report.value("raw_rps")
        let ratio = raw.map { rate / $0 }
        ctx.report.judge("drain", "drain_rps", rate, "deliv/s", ratio: ratio, target: "drain/raw >= 0.5", pass: (ratio ?? 0) >= 0.5)
        ctx.report.add("drain", "drain_peak_rss", run.peakRSSMiB ?? .nan, "MiB")
        ctx.report.add("drain", "drain_preload_eps", Double(n) / prep, "events/s")
        ctx.report.note("drain", "\(n) deliveries of 1 KiB events, connector concurrency \(ctx.options.concurrency): all succeeded "
                        + String(format: "%.2f s after launch (first success at %.2f s)", run.timing.done ?? 0, run.timing.firstSuccess ?? 0)
                        + "; \(run.cpuNote)")
        ctx.report.note("drain", "preload (in-process Hub.ingest, batches of 500, 4 in flight): " + String(format: "%.1f s", prep))
        if let p = setup.perfReport { ctx.report.note("drain", "perf report of the hub during the drain: \(p)") }
    }
}
