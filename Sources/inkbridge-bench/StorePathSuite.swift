import Foundation
import InkBridgeCore

/// Diagnostic, not one of issue 7's suites (runs only with `--only storepath`): the store's
/// own cost per delivery, no HTTP and no dispatcher. Events are stored in-process, then
/// `claimDue` (128 at a time) and `complete` run in a loop until all are succeeded: the CPU
/// time of this process over the deliveries. Under `valgrind --tool=callgrind` with
/// `INKBRIDGE_STOREPATH_EVENTS=5000` it gives repeatable instruction counts.
enum StorePathSuite {
    static func run(_ ctx: BenchContext) throws(BenchError) {
        let setup = try ctx.diagnostic("storepath", tenant: "sp", full: 100_000)
        let (tenant, db, events) = (setup.tenant, setup.db, setup.count)
        try setup.preload(size: 1024)
        let result: (done: Int, seconds: Double, cpu: Double)
        do {
            result = try blockingAwait {
                let store = try SQLiteEventStore(path: db)
                defer { store.close() }
                let key = ConnectorKey(tenant: tenant.id, connector: tenant.connectorID)
                let cpuBefore = ProcStat.cpuSeconds(getpid())
                let start = DispatchTime.now().uptimeNanoseconds
                var done = 0
                while true {
                    let claimed = try await store.claimDue(key, now: Date(), limit: 128)
                    if claimed.isEmpty { break }
                    let now = Date()
                    _ = try await store.complete(claimed.map { c in
                        DeliveryCompletion(rowID: c.rowID, attempt: AttemptRecord(number: 1, startedAt: now, durationMs: 1, httpStatus: 204,
                                                                                  error: nil, responseExcerpt: nil),
                                           transition: .succeed, lane: c.lane)
                    }, now: now)
                    done += claimed.count
                }
                let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
                return (done, seconds, ProcStat.cpuSeconds(getpid()) - cpuBefore)
            }
        } catch { throw BenchError("storepath: \(error)") }
        guard result.done == events else { throw BenchError("storepath: \(result.done) of \(events) deliveries completed") }
        ctx.report.add("storepath", "storepath_cpu_us", result.cpu / Double(result.done) * 1e6, "µs/deliv")
        ctx.report.note("storepath", "\(result.done) deliveries claimed (128 at a time) and completed as succeeded, no HTTP: "
                        + "\(String(format: "%.2f", result.seconds)) s, \(String(format: "%.1f", result.cpu / Double(result.done) * 1e6)) µs of CPU each")
    }
}
