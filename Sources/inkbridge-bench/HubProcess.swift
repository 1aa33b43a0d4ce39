import CCurl
import Foundation

/// `inkbridge serve` as a child process on a database and config the suite prepared.
final class HubProcess {
    let child: ChildProcess
    let port: UInt16
    /// `DispatchTime` nanoseconds just before the process was started.
    let launchedAt: UInt64

    var pid: Int32 { child.pid }
    var baseURL: String { "http://127.0.0.1:\(port)" }

    init(binary: String, config: String, store: String, dir: String) throws(BenchError) {
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw BenchError("\(binary) not found: build it with swift build -c release")
        }
        port = try Ports.free()
        launchedAt = DispatchTime.now().uptimeNanoseconds
        child = try ChildProcess(name: "hub", executable: binary,
                                 arguments: ["serve", "--config", config, "--store", "sqlite:" + store, "--listen", "127.0.0.1:\(port)"],
                                 logPath: dir + "/hub.log")
    }

    /// Waits for `GET /healthz` to answer 200 (the HTTP API is up).
    func waitReady(timeout: Double = 20) throws(BenchError) {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            guard child.isRunning else { throw BenchError("the hub exited: \(child.logTail())") }
            if Self.get(baseURL + "/healthz") == 200 { return }
            usleep(50_000)
        }
        throw BenchError("the hub's API did not answer GET /healthz within \(Int(timeout)) s: \(child.logTail())")
    }

    /// Peak resident memory so far (VmHWM), in MiB; read it just before `stop()`.
    func peakRSSMiB() -> Double? { ProcStat.peakRSSKiB(pid).map { Double($0) / 1024 } }

    func stop() { child.stop() }

    /// The status of a GET, 0 when no answer came.
    static func get(_ url: String) -> Int {
        guard let h = curl_easy_init() else { return 0 }
        defer { curl_easy_cleanup(h) }
        _ = ib_easy_setopt_str(h, CURLOPT_URL, url)
        _ = ib_easy_setopt_long(h, CURLOPT_NOSIGNAL, 1)
        _ = ib_easy_setopt_long(h, CURLOPT_TIMEOUT_MS, 2000)
        _ = ib_easy_setopt_write(h) { _, size, count, _ in size * count }
        guard curl_easy_perform(h) == CURLE_OK else { return 0 }
        var status = 0
        _ = ib_easy_getinfo_long(h, CURLINFO_RESPONSE_CODE, &status)
        return status
    }
}

/// How long a hub took to deliver a number of deliveries, seen from its database.
struct DrainTiming {
    /// Seconds from the hub's launch to the first poll that saw a success.
    var firstSuccess: Double?
    /// Seconds from the hub's launch to the poll that saw the target reached; nil when it timed out.
    var done: Double?
    var reached: Int
    var target: Int

    func rate() -> Double? { done.map { Double(target) / $0 } }

    /// Polls every `interval` seconds until the target is reached, the hub exits, or `timeout`
    /// passes. With `probe` (the target is every delivery of `tenants`) a poll asks whether any
    /// is left unfinished and the exact count is read once at the end; otherwise each poll counts.
    static func wait(for target: Int, since start: UInt64, interval: Double, timeout: Double, hub: HubProcess,
                     counter: DeliveryCounter, tenants: [BenchTenant], probe: Bool, onFirstSuccess: () -> Void = {}) -> DrainTiming {
        var timing = DrainTiming(reached: 0, target: target)
        let deadline = start + UInt64(timeout * 1e9)
        while DispatchTime.now().uptimeNanoseconds < deadline && hub.child.isRunning {
            let t = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            if timing.firstSuccess == nil, counter.anySucceeded(tenants) == true {
                timing.firstSuccess = t
                onFirstSuccess()
            }
            if probe {
                if counter.allFinished(tenants) == true, let n = counter.succeeded(tenants) {
                    timing.reached = n
                    // Finished short of the target (dead deliveries): reported as not reached.
                    if n >= target { timing.done = t }
                    return timing
                }
            } else if let n = counter.succeeded(tenants) {
                timing.reached = n
                if n >= target {
                    timing.done = t
                    return timing
                }
            }
            usleep(UInt32(interval * 1e6))
        }
        timing.reached = counter.succeeded(tenants) ?? 0
        return timing
    }
}
