import Foundation

/// Diagnostic, not one of issue 7's suites (runs only with `--only ingestpath`): the store's
/// own cost per event as the HTTP API writes them, no HTTP and no delivery. One event per
/// write (as `POST /v1/events` with a single event), 64 writes in flight so group commit
/// packs them, through `Hub.ingest` in this process: the CPU time of this process per event,
/// the events' construction included. Under `valgrind --tool=callgrind` with
/// `INKBRIDGE_INGESTPATH_EVENTS=5000` it gives repeatable instruction counts.
enum IngestPathSuite {
    static func run(_ ctx: BenchContext) throws(BenchError) {
        let setup = try ctx.diagnostic("ingestpath", tenant: "ip", full: 50_000)
        let events = setup.count
        let cpuBefore = ProcStat.cpuSeconds(getpid())
        let seconds: Double
        do {
            seconds = try Preloader.load(store: setup.db, config: setup.config,
                                         jobs: [.init(tenant: setup.tenant, prefix: "e", count: events, size: 1536)], batchSize: 1, parallel: 64)
        } catch { throw BenchError("ingestpath: \(error)") }
        let cpu = ProcStat.cpuSeconds(getpid()) - cpuBefore
        ctx.report.add("ingestpath", "ingestpath_cpu_us", cpu / Double(events) * 1e6, "µs/event")
        ctx.report.note("ingestpath", "\(events) single-event writes of 1.5 KiB, 64 in flight, no HTTP, no delivery: "
                        + "\(String(format: "%.2f", seconds)) s, \(String(format: "%.1f", cpu / Double(events) * 1e6)) µs of CPU each")
    }
}
