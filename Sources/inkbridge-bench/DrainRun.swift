import Foundation

/// One timed drain: start `inkbridge serve` on a preloaded database, poll the
/// database until `target` deliveries of `tenants` succeeded, read the hub's
/// peak RSS, stop it. Used by the drain, backlog and fairness suites.
struct DrainRun {
    var timing: DrainTiming
    var peakRSSMiB: Double?
    /// Percent of one CPU over the drain, per process group.
    var hubCPU: Double
    var nginxCPU: Double
    var harnessCPU: Double
    /// Everything else on the machine (other users of a shared machine).
    var otherCPU: Double
    /// Succeeded deliveries of `Setup.watch` when the target was reached.
    var watched: Int?
    /// Size of the database's WAL file (MiB) before the hub started and after it stopped: a WAL
    /// that only grows makes every page lookup slower.
    var walBefore = 0, walAfter = 0

    struct Setup {
        let dir: String
        let config: String
        let store: String
        let tenants: [BenchTenant]
        let target: Int
        /// Seconds between polls: 100 ms as issue 7 says; shorter for small targets, whose drain lasts about a second.
        var pollInterval = 0.1
        /// The target is every delivery of `tenants`: polls then ask whether any is left
        /// (an index lookup) instead of counting the succeeded ones.
        var targetIsEverything = true
        /// Where to write a `perf report` of the hub during the drain, if wanted.
        var perfReport: String?
        /// Tenants whose succeeded count is read when the target is reached (the slow tenant).
        var watch: [BenchTenant] = []
    }

    static func run(_ ctx: BenchContext, _ s: Setup) throws(BenchError) -> DrainRun {
        let counter = try DeliveryCounter(path: s.store)
        let walBefore = fileMiB(s.store + "-wal")
        let sinkPIDs = (try? ctx.nginx().pids) ?? []
        let nginxCPU = CPUMeter(sinkPIDs), selfCPU = CPUMeter([getpid()]), machineCPU = CPUMeter.machine()
        let hub = try HubProcess(binary: ctx.options.hubBinary, config: s.config, store: s.store, dir: s.dir)
        defer { hub.stop() }
        let hubCPU = CPUMeter([hub.pid])
        var perf: PerfRecorder?
        // perf attaches to the threads that exist: start it once the hub is delivering.
        let startPerf = { if s.perfReport != nil { perf = PerfRecorder(pid: hub.pid, dir: s.dir) } }
        let timing = DrainTiming.wait(for: s.target, since: hub.launchedAt, interval: s.pollInterval, timeout: ctx.scale.waitLimit,
                                      hub: hub, counter: counter, tenants: s.tenants, probe: s.targetIsEverything,
                                      onFirstSuccess: startPerf)
        let shares = (hub: hubCPU.percent(), nginx: nginxCPU.percent(), harness: selfCPU.percent(), machine: machineCPU.percent())
        var run = DrainRun(timing: timing, peakRSSMiB: hub.peakRSSMiB(), hubCPU: shares.hub, nginxCPU: shares.nginx,
                           harnessCPU: shares.harness, otherCPU: max(0, shares.machine - shares.hub - shares.nginx - shares.harness),
                           watched: s.watch.isEmpty ? nil : counter.succeeded(s.watch))
        if let perf, let out = s.perfReport { perf.finish(report: out) }
        run.peakRSSMiB = hub.peakRSSMiB() ?? run.peakRSSMiB
        if !hub.child.isRunning { throw BenchError("the hub exited during the drain: \(hub.child.logTail())") }
        hub.stop()
        run.walBefore = walBefore
        run.walAfter = fileMiB(s.store + "-wal")
        guard timing.done != nil else {
            throw BenchError("only \(timing.reached) of \(s.target) deliveries succeeded within \(Int(ctx.scale.waitLimit)) s; "
                             + "hub log: \(hub.child.logTail(5))")
        }
        return run
    }

    var cpuNote: String {
        "CPU during the drain: hub \(Stats.percent(hubCPU)), nginx \(Stats.percent(nginxCPU)), harness (DB polling) \(Stats.percent(harnessCPU)), "
            + "other processes \(Stats.percent(otherCPU)) of one CPU; WAL file \(walBefore) MiB before the hub started, \(walAfter) MiB after it stopped"
    }
}

private func fileMiB(_ path: String) -> Int {
    ((try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0) >> 20
}
