import Foundation

/// Suite 6: the drain rate and the hub's peak RSS with a small and a large
/// backlog (10,000 and 1,000,000 pending deliveries; ~300-byte events so the
/// large one is prepared within the time budget). The small rate is measured
/// over all its deliveries, the large over its first 100,000; both from the
/// hub's launch, so both include start-up (`recoverInFlight` and the first claims).
enum BacklogSuite {
    static func run(_ ctx: BenchContext) throws(BenchError) {
        let sink = try ctx.nginx()
        let s = ctx.scale
        let small = try measure(ctx, sink: sink, pending: s.backlogSmall, measured: s.backlogSmall)
        let large = try measure(ctx, sink: sink, pending: s.backlogLarge, measured: s.backlogLargeMeasured)
        let ls = label(s.backlogSmall), ll = label(s.backlogLarge)
        let ratio = large.rate / small.rate
        ctx.report.add("backlog", "backlog_rps_\(ls)", small.rate, "deliv/s")
        ctx.report.judge("backlog", "backlog_rps_\(ll)", large.rate, "deliv/s", ratio: ratio,
                         target: "\(ll)/\(ls) >= 0.667", pass: ratio >= 1 / 1.5)
        ctx.report.add("backlog", "backlog_rss_\(ls)", small.rss, "MiB")
        ctx.report.judge("backlog", "backlog_rss_\(ll)", large.rss, "MiB", ratio: nil, target: "<= 200 MiB", pass: large.rss <= 200)
        ctx.report.note("backlog", "events of about 300 bytes (to prepare \(s.backlogLarge) within the time budget); rate at \(ls) over all "
                        + "\(s.backlogSmall) deliveries, at \(ll) over the first \(s.backlogLargeMeasured); both timed from the hub's launch")
    }

    struct Measured {
        let rate: Double
        let rss: Double
    }

    static func measure(_ ctx: BenchContext, sink: NginxSink, pending: Int, measured: Int) throws(BenchError) -> Measured {
        let dir = try ctx.workspace.directory("backlog-\(label(pending))")
        // The database is large at 1M: gone as soon as it is measured.
        defer { try? FileManager.default.removeItem(atPath: dir + "/hub.db") }
        let tenant = BenchTenant(id: "backlog", url: sink.url, concurrency: ctx.options.concurrency)
        let config = try BenchHubConfig.write([tenant], dir: dir)
        let store = dir + "/hub.db"
        BenchContext.log("backlog: storing \(pending) events in-process")
        let prep: Double
        do { prep = try Preloader.load(store: store, config: config, jobs: [.init(tenant: tenant, prefix: "bk-", count: pending, size: 300)]) } catch {
            throw BenchError("preload: \(error)")
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: store)[.size] as? Int) ?? 0
        BenchContext.log("backlog: stored in \(String(format: "%.1f", prep)) s (\(size >> 20) MiB); starting the hub")
        var setup = DrainRun.Setup(dir: dir, config: config, store: store, tenants: [tenant], target: measured,
                                   pollInterval: measured <= 20_000 ? 0.02 : 0.1)
        // At 1M pending only the first deliveries are timed: polls count them.
        setup.targetIsEverything = measured == pending
        let run = try DrainRun.run(ctx, setup)
        ctx.report.foreign("backlog", run.otherCPU)
        let rate = run.timing.rate() ?? 0
        ctx.report.note("backlog", "\(label(pending)) pending: \(measured) succeeded "
                        + String(format: "%.2f s after launch (first success at %.2f s), ", run.timing.done ?? 0, run.timing.firstSuccess ?? 0)
                        + "peak RSS \(String(format: "%.0f", run.peakRSSMiB ?? 0)) MiB; preload \(String(format: "%.1f", prep)) s, "
                        + "database \(size >> 20) MiB; \(run.cpuNote)")
        return Measured(rate: rate, rss: run.peakRSSMiB ?? .nan)
    }

    static func label(_ n: Int) -> String {
        if n >= 1_000_000 && n % 1_000_000 == 0 { return "\(n / 1_000_000)m" }
        if n >= 1000 && n % 1000 == 0 { return "\(n / 1000)k" }
        return String(n)
    }
}
