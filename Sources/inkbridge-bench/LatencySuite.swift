import Foundation

/// Suite 5: events offered at a fixed rate (open loop, 2,000/s) to
/// `POST /v1/events`; the hub delivers them to a receiver in this process that
/// records each event's arrival. Latency = arrival at the receiver minus the
/// start of the ingest request, both on this process's monotonic clock.
/// The receiver's own ceiling (the raw curl loop against it) is measured first.
enum LatencySuite {
    static func run(_ ctx: BenchContext) throws(BenchError) {
        let s = ctx.scale
        let capacity = Int(s.latencyRate * s.latencyDuration) + 1000
        let recorder = ArrivalRecorder(prefix: "lat-", capacity: capacity)
        let receiver = try BenchReceiver(recorder: recorder)
        defer { receiver.stop() }

        let ceiling = try CurlLoad.run(CurlLoad.Plan(url: receiver.url, body: .fixed(EventFactory.bytes(id: "ceiling", size: 1024)),
                                                     duration: s.receiverWindow))
        ctx.report.add("latency", "receiver_rps", ceiling.inWindowRate(204), "req/s")

        let dir = try ctx.workspace.directory("latency")
        let tenant = BenchTenant(id: "latency", url: receiver.url, concurrency: ctx.options.concurrency)
        let config = try BenchHubConfig.write([tenant], dir: dir)
        let hub = try HubProcess(binary: ctx.options.hubBinary, config: config, store: dir + "/hub.db", dir: dir)
        defer { hub.stop() }
        try hub.waitReady()
        let hubCPU = CPUMeter([hub.pid]), selfCPU = CPUMeter([getpid()]), machineCPU = CPUMeter.machine()
        let r = try CurlLoad.run(CurlLoad.Plan(url: hub.baseURL + "/v1/events",
                                               body: .perRequest { EventFactory.bytes(id: "lat-\($0)", size: 1536) },
                                               duration: s.latencyDuration, maxRequests: capacity, rate: s.latencyRate,
                                               headers: ["Content-Type: application/json", "Authorization: Bearer \(tenant.apiKey)"],
                                               recordStarts: true))
        let accepted = r.statuses[202] ?? 0
        // Deliveries still on their way: wait (bounded) until every accepted event arrived.
        let deadline = Date().addingTimeInterval(min(30, s.waitLimit))
        while recorder.matched.load(ordering: .relaxed) < accepted && Date() < deadline { usleep(20_000) }
        let hubShare = hubCPU.percent(), selfShare = selfCPU.percent()
        let otherShare = max(0, machineCPU.percent() - hubShare - selfShare)
        ctx.report.foreign("latency", otherShare)
        let arrivals = recorder.snapshot()
        var latencies: [Double] = [], answered: [Double] = []
        latencies.reserveCapacity(r.starts.count)
        // By second of the window: a steady climb is a queue, a lone spike a stall (a checkpoint, a pause).
        var perSecond = [[Double]](repeating: [], count: Int(s.latencyDuration.rounded(.up)) + 1)
        let t0 = r.starts.first ?? 0
        for (n, start) in r.starts.enumerated() {
            if r.answers[n] >= start && r.answers[n] != 0 { answered.append(Double(r.answers[n] - start) / 1e6) }
            if n < arrivals.count && arrivals[n] >= start && arrivals[n] != 0 {
                let ms = Double(arrivals[n] - start) / 1e6
                latencies.append(ms)
                perSecond[min(perSecond.count - 1, Int((start - t0) / 1_000_000_000))].append(ms)
            }
        }
        latencies.sort()
        answered.sort()
        guard !latencies.isEmpty else {
            throw BenchError("no event reached the receiver: statuses \(r.statuses), \(r.failures) failures (\(r.firstError ?? "-")); "
                             + "hub log: \(hub.child.logTail(5))")
        }
        let p99 = Stats.quantile(latencies, 0.99)
        // Deliveries that reached the receiver while events were still offered: below the offered rate, a queue grew.
        let windowEnd = (r.starts.first ?? 0) + UInt64(r.window * 1e9)
        let arrivedInWindow = arrivals.filter { $0 != 0 && $0 <= windowEnd }.count
        ctx.report.add("latency", "latency_p50", Stats.quantile(latencies, 0.5), "ms")
        ctx.report.judge("latency", "latency_p99", p99, "ms", ratio: nil, target: "<= 50 ms", pass: p99 <= 50)
        ctx.report.add("latency", "latency_max", latencies.last!, "ms")
        // Where the time goes: the ingest request alone (start to its 202), against the whole path.
        ctx.report.add("latency", "ingest_answer_p50", Stats.quantile(answered, 0.5), "ms")
        ctx.report.add("latency", "ingest_answer_p99", Stats.quantile(answered, 0.99), "ms")
        ctx.report.note("latency", String(format: "offered %.0f events/s for %.0f s: %d started (%d more than 2 ms late), %d accepted, ",
                                          s.latencyRate, s.latencyDuration, r.started, r.lateStarts, accepted)
                        + "\(latencies.count) arrived and measured, \(accepted - latencies.count) missing after the wait; "
                        + String(format: "%.0f deliveries/s reached the receiver during the offered window; ", Double(arrivedInWindow) / r.window)
                        + "p99 by second of the window (ms): "
                        + perSecond.filter { !$0.isEmpty }.map { String(format: "%.0f", Stats.quantile($0.sorted(), 0.99)) }.joined(separator: " ")
                        + "; CPU: hub \(Stats.percent(hubShare)), harness (load generator and receiver) \(Stats.percent(selfShare)), "
                        + "other processes \(Stats.percent(otherShare)) of one CPU; the receiver's ceiling (64-transfer curl loop, 1 KiB) "
                        + String(format: "%.0f req/s", ceiling.inWindowRate(204)))
    }
}
