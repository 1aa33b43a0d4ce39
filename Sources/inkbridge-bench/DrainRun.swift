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
    /// Succeeded deliveries of `Setup.watch` when the target was reached.
    var watched: Int?

    struct Setup {
        let dir: String
        let config: String
        let store: String
        let tenants: [BenchTenant]
        let target: Int
        /// Seconds between polls: 100 ms as issue 7 says; shorter for small targets, whose drain lasts about a second.
        var pollInterval = 0.1
        /// Where to write a `perf report` of the hub during the drain, if wanted.
        var perfReport: String?
        /// Tenants whose succeeded count is read when the target is reached (the slow tenant).
        var watch: [BenchTenant] = []
    }

    static func run(_ ctx: BenchContext, _ s: Setup) throws(BenchError) -> DrainRun {
        let counter = try DeliveryCounter(path: s.store)
        let sinkPIDs = (try? ctx.nginx().pids) ?? []
        let nginxCPU = CPUMeter(sinkPIDs), selfCPU = CPUMeter([getpid()])
        let hub = try HubProcess(binary: ctx.options.hubBinary, config: s.config, store: s.store, dir: s.dir)
        defer { hub.stop() }
        let hubCPU = CPUMeter([hub.pid])
        var perf: ChildProcess?
        // perf attaches to the threads that exist: start it once the hub is delivering.
        let startPerf = {
            guard s.perfReport != nil else { return }
            perf = try? ChildProcess(name: "perf", executable: "/usr/bin/perf",
                                     arguments: ["record", "-g", "-F", "499", "-p", String(hub.pid), "-o", s.dir + "/perf.data"],
                                     logPath: s.dir + "/perf.log")
        }
        let timing = DrainTiming.wait(for: s.target, since: hub.launchedAt, interval: s.pollInterval, timeout: ctx.scale.waitLimit,
                                      hub: hub, onFirstSuccess: startPerf) { counter.succeeded(s.tenants) }
        var run = DrainRun(timing: timing, peakRSSMiB: hub.peakRSSMiB(), hubCPU: hubCPU.percent(), nginxCPU: nginxCPU.percent(),
                           harnessCPU: selfCPU.percent(), watched: s.watch.isEmpty ? nil : counter.succeeded(s.watch))
        if let perf, let out = s.perfReport {
            // perf writes its data file on SIGINT.
            perf.stop(signal: SIGINT, grace: 30)
            writePerfReport(data: s.dir + "/perf.data", to: out)
        }
        run.peakRSSMiB = hub.peakRSSMiB() ?? run.peakRSSMiB
        if !hub.child.isRunning { throw BenchError("the hub exited during the drain: \(hub.child.logTail())") }
        guard timing.done != nil else {
            throw BenchError("only \(timing.reached) of \(s.target) deliveries succeeded within \(Int(ctx.scale.waitLimit)) s; "
                             + "hub log: \(hub.child.logTail(5))")
        }
        return run
    }

    var cpuNote: String {
        "CPU during the drain: hub \(Stats.percent(hubCPU)), nginx \(Stats.percent(nginxCPU)), harness (DB polling) \(Stats.percent(harnessCPU)) of one CPU"
    }

    /// `perf report` of the hub, flat: by thread, then by library and symbol; to a text file.
    private static func writePerfReport(data: String, to path: String) {
        var text = ""
        // `pid` sorts by thread: the SQLite writer's queue, the curl loop and the Swift pool show apart.
        for sort in [["--sort", "pid"], ["--sort", "dso,symbol"]] {
            text += runPerfReport(["report", "-i", data, "--stdio", "--no-children", "--percent-limit", "0.7", "-g", "none"] + sort)
        }
        // perf pads every line to the longest symbol; trailing blanks only make the file wide.
        let trimmed = text.split(separator: "\n", omittingEmptySubsequences: false)
            .map { line in String(line.reversed().drop { $0 == " " || $0 == "-" }.reversed()) }
            .filter { !$0.isEmpty && $0 != "#" && !$0.hasPrefix("# ..") && !$0.hasPrefix("# (Tip") && !$0.hasPrefix("# To display") }
            .joined(separator: "\n")
        try? FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try? (trimmed + "\n").write(toFile: path, atomically: true, encoding: .utf8)
    }

    private static func runPerfReport(_ arguments: [String]) -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/perf")
        p.arguments = arguments
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = FileHandle.nullDevice
        do { try p.run() } catch { return "perf report failed to start: \(error)\n" }
        // Reads to the end (perf exits when done), then reaps it.
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}
