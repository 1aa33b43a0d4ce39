import Foundation

/// Suite 4: `POST /v1/events` from wrk over 64 kept-alive connections (single events
/// of about 1.5 KiB, unique ids) for one window while the hub also delivers
/// them to nginx. `ingest_eps` counts 202 answers within the window.
///
/// Rows written per event, counted from the SQLite store's code: at ingest
/// the event row, one delivery row and the contract-registry row (one
/// transaction); then the dispatcher's claim (delivery update to in_flight),
/// the attempt row and the completion (delivery update to succeeded): 6.
///
/// Five rounds (`Scale.ingestRounds`), each ingest window on a fresh hub; `ingest_eps` is their
/// median, set against `store_rows_per_s` (target at least half). The store
/// limit is not measured again next to each window: after a few gigabytes of
/// writes this machine's fsyncs slow down (the same inserts from a Python
/// sqlite3 loop, six 5 s windows one after another, fell from about 124,000 to
/// 88,000 rows/s; the store suite's own loop gave 124,000, then 107,000 and
/// 105,000 next to the ingest windows of one run, against 152,000 for its
/// first window), while ingest, bound by CPU, does not; the store suite's
/// window, on a rested disk, is the highest limit and so the strictest divisor.
enum IngestSuite {
    static let rowsPerEvent = 6.0

    struct Round {
        let eps: Double
        let delivered: Double
        let rss: Double?
    }

    static func run(_ ctx: BenchContext) throws(BenchError) {
        var rounds: [Round] = []
        for i in 1...ctx.scale.ingestRounds {
            BenchContext.log("ingest: round \(i) of \(ctx.scale.ingestRounds)")
            rounds.append(try round(ctx, number: i))
        }
        let eps = Stats.median(rounds.map(\.eps))
        let store = ctx.report.value("store_rows_per_s")
        let ratio: Double? = store.map { eps * rowsPerEvent / $0 }
        ctx.report.judge("ingest", "ingest_eps", eps, "events/s", ratio: ratio, target: "eps*6/store >= 0.5", pass: (ratio ?? 0) >= 0.5)
        ctx.report.add("ingest", "ingest_delivered_eps", Stats.median(rounds.map(\.delivered)), "deliv/s")
        ctx.report.add("ingest", "ingest_peak_rss", rounds.compactMap(\.rss).max() ?? .nan, "MiB")
        let each = rounds.enumerated().map { i, r in
            String(format: "round %d: %.0f events/s", i + 1, r.eps) + (store.map { String(format: " (ratio %.3f)", r.eps * rowsPerEvent / $0) } ?? "")
        }
        ctx.report.note("ingest", "\(rounds.count) ingest windows, each on a fresh hub; ingest_eps is their median: " + each.joined(separator: "; "))
    }

    /// One ingest window on a fresh hub.
    static func round(_ ctx: BenchContext, number: Int) throws(BenchError) -> Round {
        let sink = try ctx.nginx()
        let dir = try ctx.workspace.directory("ingest-\(number)")
        let tenant = BenchTenant(id: "ingest", url: sink.url, concurrency: ctx.options.concurrency)
        let config = try BenchHubConfig.write([tenant], dir: dir)
        let store = dir + "/hub.db"
        let hub = try HubProcess(binary: ctx.options.hubBinary, config: config, store: store, dir: dir)
        defer { hub.stop() }
        try hub.waitReady()
        let counter = try DeliveryCounter(path: store)
        let hubCPU = CPUMeter([hub.pid]), nginxCPU = CPUMeter(sink.pids), selfCPU = CPUMeter([getpid()]), machineCPU = CPUMeter.machine()
        // perf records the first round only.
        let perfReport = ctx.options.perf && number == 1
            ? (ctx.options.output as NSString).deletingLastPathComponent + "/ingest-perf.txt" : nil
        let perf = perfReport.map { _ in PerfRecorder(pid: hub.pid, dir: dir) }
        let r = try WrkLoad.run(url: hub.baseURL, path: "/v1/events", connections: ctx.options.ingestConnections, duration: ctx.scale.window,
                                headers: [("Content-Type", "application/json"), ("Authorization", "Bearer \(tenant.apiKey)")],
                                idPrefix: "ing-", size: 1536, dir: dir)
        let delivered = counter.succeeded(tenant) ?? 0
        let cpu = (hub: hubCPU.percent(), nginx: nginxCPU.percent(), harness: selfCPU.percent() + r.cpuPercent, machine: machineCPU.percent())
        ctx.report.foreign("ingest", max(0, cpu.machine - cpu.hub - cpu.nginx - cpu.harness))
        let rss = hub.peakRSSMiB()
        if let perf, let perfReport {
            perf.finish(report: perfReport)
            ctx.report.note("ingest", "perf report of the hub during the first ingest window: \(perfReport)")
        }
        guard r.accepted > 0 else {
            throw BenchError("no 202 from POST /v1/events: \(r.otherAnswers) other answers, \(r.socketErrors) socket errors; "
                             + "hub log: \(hub.child.logTail(5))")
        }
        ctx.report.note("ingest", "round \(number): wrk, \(ctx.options.ingestConnections) connections, "
                        + "1.5 KiB single events for \(ctx.scale.window) s: \(r.accepted) accepted (202) in the window, "
                        + "\(r.otherAnswers) other answers, \(r.socketErrors) socket errors; "
                        + "\(delivered) delivered by the end of the window. Rows per event: 6 (event, delivery, registry at ingest; "
                        + "claim update, attempt row, completion update by the dispatcher). CPU: hub \(Stats.percent(cpu.hub)), "
                        + "nginx \(Stats.percent(cpu.nginx)), load generator (wrk and harness) \(Stats.percent(cpu.harness)), other processes "
                        + "\(Stats.percent(max(0, cpu.machine - cpu.hub - cpu.nginx - cpu.harness))) of one CPU")
        return Round(eps: r.acceptedRate, delivered: Double(delivered) / r.window, rss: rss)
    }
}
