import Foundation

/// Suite 7: nine tenants whose webhooks go to nginx, and (in the second run)
/// a tenth whose receiver answers after 2 s. Events are preloaded for every
/// tenant; the figure is the nine tenants' delivery rate (their deliveries
/// over the time until all of them succeeded) with the slow tenant, relative
/// to the same run without it (target at least 90%), in rounds whose median ratio is judged.
enum FairnessSuite {
    static func run(_ ctx: BenchContext) throws(BenchError) {
        let sink = try ctx.nginx()
        let fast = (0..<9).map { BenchTenant(id: "fast\($0)", url: sink.url, concurrency: ctx.options.concurrency) }
        let slowReceiver = try BenchReceiver(delay: 2)
        defer { slowReceiver.stop() }
        let slow = BenchTenant(id: "slow", url: slowReceiver.url, concurrency: ctx.options.concurrency)
        // Rounds of (alone, with the slow tenant): a drain lasts about five seconds, and one pair's
        // ratio swung from 0.86 to 1.04 between runs of the same build.
        var pairs: [(alone: Measured, shared: Measured)] = []
        for i in 1...ctx.scale.rounds {
            BenchContext.log("fairness: round \(i) of \(ctx.scale.rounds)")
            let alone = try measure(ctx, fast: fast, slow: nil, round: i)
            let shared = try measure(ctx, fast: fast, slow: slow, round: i)
            pairs.append((alone, shared))
        }
        let ratio = Stats.median(pairs.map { $0.shared.rate / $0.alone.rate })
        ctx.report.add("fairness", "fair_rps_alone", Stats.median(pairs.map(\.alone.rate)), "deliv/s")
        ctx.report.judge("fairness", "fair_rps_with_slow", Stats.median(pairs.map(\.shared.rate)), "deliv/s", ratio: ratio,
                         target: "with/alone >= 0.9", pass: ratio >= 0.9)
        let each = pairs.enumerated().map { i, p in
            String(format: "round %d: alone %.0f, with the slow tenant %.0f deliveries/s, ratio %.3f", i + 1, p.alone.rate, p.shared.rate,
                   p.shared.rate / p.alone.rate)
        }
        ctx.report.note("fairness", "nine tenants x \(ctx.scale.fairnessEventsPerTenant) events (1 KiB) to nginx, connector concurrency \(ctx.options.concurrency) each; "
                        + "rate = their deliveries / seconds from the hub's launch until all succeeded; \(pairs.count) rounds of a run alone "
                        + "then a run with a tenth tenant whose receiver answers after 2 s; the figures and the ratio are the medians of the rounds: "
                        + each.joined(separator: "; "))
        for (i, p) in pairs.enumerated() {
            ctx.report.note("fairness", "round \(i + 1): alone: \(p.alone.detail). With the slow tenant: \(p.shared.detail)")
        }
    }

    struct Measured {
        let rate: Double
        let detail: String
    }

    static func measure(_ ctx: BenchContext, fast: [BenchTenant], slow: BenchTenant?, round: Int) throws(BenchError) -> Measured {
        let dir = try ctx.workspace.directory((slow == nil ? "fair-alone-" : "fair-slow-") + "\(round)")
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
