import Foundation

/// Suite 7: nine tenants whose webhooks go to nginx, and (in the second run)
/// a tenth whose receiver answers after 2 s. Events are preloaded for every
/// tenant; the figure is the nine tenants' delivery rate (their deliveries
/// over the time until all of them succeeded) with the slow tenant, relative
/// to the same run without it (target at least 90%).
enum FairnessSuite {
    static func run(_ ctx: BenchContext) throws(BenchError) {
        let sink = try ctx.nginx()
        let fast = (0..<9).map { BenchTenant(id: "fast\($0)", url: sink.url, concurrency: ctx.options.concurrency) }
        let alone = try measure(ctx, fast: fast, slow: nil)
        let slowReceiver = try BenchReceiver(delay: 2)
        defer { slowReceiver.stop() }
        let slow = BenchTenant(id: "slow", url: slowReceiver.url, concurrency: ctx.options.concurrency)
        let shared = try measure(ctx, fast: fast, slow: slow)
        let ratio = shared.rate / alone.rate
        ctx.report.add("fairness", "fair_rps_alone", alone.rate, "deliv/s")
        ctx.report.judge("fairness", "fair_rps_with_slow", shared.rate, "deliv/s", ratio: ratio, target: "with/alone >= 0.9",
                         pass: ratio >= 0.9)
        ctx.report.note("fairness", "nine tenants x \(ctx.scale.fairnessEventsPerTenant) events (1 KiB) to nginx, connector concurrency \(ctx.options.concurrency) each; "
                        + "rate = their deliveries / seconds from the hub's launch until all succeeded. "
                        + "Alone: \(alone.detail). With a tenth tenant whose receiver answers after 2 s: \(shared.detail)")
    }

    struct Measured {
        let rate: Double
        let detail: String
    }

    static func measure(_ ctx: BenchContext, fast: [BenchTenant], slow: BenchTenant?) throws(BenchError) -> Measured {
        let dir = try ctx.workspace.directory(slow == nil ? "fair-alone" : "fair-slow")
        let tenants = fast + (slow.map { [$0] } ?? [])
        let config = try BenchHubConfig.write(tenants, dir: dir)
        let store = dir + "/hub.db"
        let per = ctx.scale.fairnessEventsPerTenant
        BenchContext.log("fairness: storing \(per) events for each of \(tenants.count) tenants")
        do {
            _ = try Preloader.load(store: store, config: config,
                                   jobs: tenants.map { .init(tenant: $0, prefix: "\($0.id)-", count: per, size: 1024) })
        } catch { throw BenchError("preload: \(error)") }
        var setup = DrainRun.Setup(dir: dir, config: config, store: store, tenants: fast, target: per * fast.count)
        if let slow { setup.watch = [slow] }
        let run = try DrainRun.run(ctx, setup)
        ctx.report.foreign("fairness", run.otherCPU)
        let slowDone = run.watched.map { "; the slow tenant had \($0) succeeded by then" } ?? ""
        let rate = run.timing.rate() ?? 0
        return Measured(rate: rate, detail: String(format: "%.0f deliveries/s, done %.2f s after launch", rate, run.timing.done ?? 0)
                        + slowDone + "; \(run.cpuNote)")
    }
}
