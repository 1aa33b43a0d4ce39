import CCurl
import Foundation

/// A libcurl multi load generator: `concurrency` transfers over kept-alive
/// connections, POSTing to one URL. Closed loop (a finished transfer starts
/// the next at once) or, with `rate`, open loop at a fixed offered rate.
/// Runs on the calling thread (the harness's main thread) and is bounded by
/// its window, its request count and a drain timeout.
final class CurlLoad {
    enum Body {
        /// The same bytes for every request: set once per handle, so the loop measures curl, not copying.
        case fixed([UInt8])
        /// Request number -> bytes (unique event ids).
        case perRequest((Int) -> [UInt8])
    }

    struct Plan {
        var url: String
        var body: Body
        var concurrency = 64
        /// Seconds during which new requests start.
        var duration: Double
        var maxRequests = Int.max
        /// Offered requests per second; nil for a closed loop.
        var rate: Double?
        var headers: [String] = ["Content-Type: application/json"]
        /// Seconds allowed after the window for transfers still running; then they are abandoned.
        var drainTimeout = 10.0
        /// Keep each request's start and answer times (`DispatchTime` nanoseconds) in `Result.starts` / `answers`.
        var recordStarts = false
    }

    struct Result {
        var started = 0
        /// Transfers that got an HTTP answer, by status.
        var statuses: [Int: Int] = [:]
        /// Transfers answered before the window closed, by status.
        var statusesInWindow: [Int: Int] = [:]
        var failures = 0
        var abandoned = 0
        /// Requests that started more than 2 ms after their slot (open loop only).
        var lateStarts = 0
        var window: Double = 0
        var starts: [UInt64] = []
        /// By request number: when its answer was complete (0: none); kept with `recordStarts`.
        var answers: [UInt64] = []
        var firstError: String?

        var answered: Int { statuses.values.reduce(0, +) }
        func inWindow(_ status: Int) -> Int { statusesInWindow[status] ?? 0 }
        func inWindowRate(_ status: Int) -> Double { window > 0 ? Double(inWindow(status)) / window : 0 }
        var inWindowAnsweredRate: Double { window > 0 ? Double(statusesInWindow.values.reduce(0, +)) / window : 0 }
    }

    static func run(_ plan: Plan) throws(BenchError) -> Result {
        guard let multi = curl_multi_init() else { throw BenchError("curl_multi_init failed") }
        _ = ib_multi_setopt_long(multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, plan.concurrency)
        _ = ib_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, plan.concurrency)
        var headerList: UnsafeMutablePointer<curl_slist>?
        for h in plan.headers + ["Expect:"] { headerList = curl_slist_append(headerList, h) }
        var handles: [UnsafeMutableRawPointer] = []
        defer {
            for h in handles { curl_easy_cleanup(h) }
            curl_multi_cleanup(multi)
            curl_slist_free_all(headerList)
        }
        for i in 0..<plan.concurrency {
            guard let h = curl_easy_init() else { throw BenchError("curl_easy_init failed") }
            handles.append(h)
            _ = ib_easy_setopt_str(h, CURLOPT_URL, plan.url)
            _ = ib_easy_setopt_long(h, CURLOPT_POST, 1)
            _ = ib_easy_setopt_long(h, CURLOPT_NOSIGNAL, 1)
            _ = ib_easy_setopt_long(h, CURLOPT_TIMEOUT_MS, 60_000)
            _ = ib_easy_setopt_slist(h, CURLOPT_HTTPHEADER, headerList)
            _ = ib_easy_setopt_write(h) { _, size, count, _ in size * count }
            // The handle's index travels in CURLOPT_PRIVATE (as a non-null pointer value).
            _ = ib_easy_setopt_ptr(h, CURLOPT_PRIVATE, UnsafeRawPointer(bitPattern: i + 1))
            if case .fixed(let bytes) = plan.body { setBody(h, bytes) }
        }

        var result = Result()
        if plan.recordStarts { result.starts = [] }
        var free = Array((0..<plan.concurrency).reversed())
        /// The request number each busy handle carries.
        var carrying = [Int](repeating: -1, count: plan.concurrency)
        var active = 0
        let t0 = DispatchTime.now().uptimeNanoseconds
        let windowEnd = t0 + UInt64(plan.duration * 1e9)
        let hardEnd = windowEnd + UInt64(plan.drainTimeout * 1e9)
        let interval = plan.rate.map { 1e9 / $0 }

        func start(_ n: Int, now: UInt64) {
            let index = free.removeLast()
            let h = handles[index]
            if case .perRequest(let make) = plan.body { setBody(h, make(n)) }
            let code = curl_multi_add_handle(multi, h)
            if code != CURLM_OK {
                free.append(index)
                result.failures += 1
                if result.firstError == nil { result.firstError = String(cString: curl_multi_strerror(code)) }
                return
            }
            // Request n's start is starts[n]: recorded only once it is really under way.
            if plan.recordStarts {
                result.starts.append(now)
                result.answers.append(0)
            }
            carrying[index] = n
            if let interval, Double(now - t0) > Double(n) * interval + 2e6 { result.lateStarts += 1 }
            active += 1
            result.started += 1
        }

        while true {
            var now = DispatchTime.now().uptimeNanoseconds
            let open = now < windowEnd && result.started < plan.maxRequests
            if open {
                if let interval {
                    while !free.isEmpty, result.started < plan.maxRequests,
                          Double(result.started) * interval <= Double(now - t0) {
                        start(result.started, now: now)
                        now = DispatchTime.now().uptimeNanoseconds
                    }
                } else {
                    while !free.isEmpty, result.started < plan.maxRequests { start(result.started, now: now) }
                }
            } else if active == 0 || now >= hardEnd {
                break
            }
            var running: Int32 = 0
            _ = curl_multi_perform(multi, &running)
            var queued: Int32 = 0
            var finished = 0
            let doneAt = DispatchTime.now().uptimeNanoseconds
            while let message = curl_multi_info_read(multi, &queued) {
                guard message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle else { continue }
                var privateValue: UnsafeMutableRawPointer?
                _ = ib_easy_getinfo_ptr(easy, CURLINFO_PRIVATE, &privateValue)
                let index = Int(bitPattern: privateValue) - 1
                let code = message.pointee.data.result
                if code == CURLE_OK {
                    var status = 0
                    _ = ib_easy_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &status)
                    result.statuses[status, default: 0] += 1
                    if plan.recordStarts, carrying[index] >= 0 { result.answers[carrying[index]] = doneAt }
                    if doneAt <= windowEnd { result.statusesInWindow[status, default: 0] += 1 }
                } else {
                    result.failures += 1
                    if result.firstError == nil { result.firstError = String(cString: curl_easy_strerror(code)) }
                }
                curl_multi_remove_handle(multi, easy)
                active -= 1
                free.append(index)
                finished += 1
            }
            // Closed loop: refill at once; waiting first would idle the freed handles for a poll round.
            if finished > 0 && open && plan.rate == nil { continue }
            // Open loop: wake for the next slot (1 ms granularity); closed loop: curl's own activity wakes us.
            var timeout: Int32 = 5
            if let interval, open, !free.isEmpty {
                let nextSlot = Double(result.started) * interval - Double(DispatchTime.now().uptimeNanoseconds - t0)
                timeout = Int32(max(0, min(5, nextSlot / 1e6)))
            }
            if timeout > 0 || active > 0 { _ = curl_multi_poll(multi, nil, 0, max(timeout, 0), nil) }
        }
        result.abandoned = active
        for h in handles { curl_multi_remove_handle(multi, h) }
        result.window = Double(min(DispatchTime.now().uptimeNanoseconds, windowEnd) - t0) / 1e9
        return result
    }

    /// POSTFIELDSIZE first, then COPYPOSTFIELDS: curl copies exactly that many bytes.
    private static func setBody(_ h: UnsafeMutableRawPointer, _ bytes: [UInt8]) {
        _ = ib_easy_setopt_long(h, CURLOPT_POSTFIELDSIZE, bytes.count)
        bytes.withUnsafeBytes { raw in _ = ib_easy_setopt_ptr(h, CURLOPT_COPYPOSTFIELDS, raw.baseAddress) }
    }
}
