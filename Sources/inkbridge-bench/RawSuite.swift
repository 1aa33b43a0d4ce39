import Foundation

/// Suite 1, the HTTP limit: a libcurl multi loop (64 transfers, keep-alive)
/// POSTing the same 1 KiB webhook body to nginx for one window.
enum RawSuite {
    static func run(_ ctx: BenchContext) throws(BenchError) {
        let sink = try ctx.nginx()
        let body = EventFactory.bytes(id: "raw-0", size: 1024)
        let nginxCPU = CPUMeter(sink.pids)
        let selfCPU = CPUMeter([getpid()]), machineCPU = CPUMeter.machine()
        let r = try CurlLoad.run(CurlLoad.Plan(url: sink.url, body: .fixed(body), duration: ctx.scale.window))
        let nginxShare = nginxCPU.percent(), selfShare = selfCPU.percent()
        let otherShare = max(0, machineCPU.percent() - nginxShare - selfShare)
        ctx.report.foreign("raw", otherShare)
        guard r.inWindow(204) > 0 else { throw BenchError("no 204 from nginx: \(r.firstError ?? "\(r.statuses)")") }
        ctx.report.add("raw", "raw_rps", r.inWindowRate(204), "req/s")
        ctx.report.note("raw", "64 transfers, keep-alive, 1 KiB POST to nginx for \(ctx.scale.window) s: \(r.inWindow(204)) answers 204, "
                        + "\(r.failures) failures; CPU: curl loop \(Stats.percent(selfShare)), nginx \(Stats.percent(nginxShare)), "
                        + "other processes \(Stats.percent(otherShare)) of one CPU")
    }
}
