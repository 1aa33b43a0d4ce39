import CCurl
import Synchronization

/// The loop thread's side of `CurlMultiLoop`: the running transfers and the
/// pool of idle ones. Created and used only on the loop thread, so it needs
/// no lock.
final class CurlLoopWorker {
    private let multi: UnsafeMutableRawPointer
    private let maxPooled: Int
    private let counters: CurlMultiLoop.Counters
    /// Transfers added to the multi handle; each knows its index here.
    private var active: [CurlTransfer] = []
    /// Finished transfers kept for reuse (their handles, buffers, error buffer).
    private var pool: [CurlTransfer] = []

    init(multi: UnsafeMutableRawPointer, maxPooled: Int, counters: CurlMultiLoop.Counters) {
        self.multi = multi
        self.maxPooled = maxPooled
        self.counters = counters
    }

    func start(_ job: CurlJob) {
        guard let transfer = pool.popLast() ?? CurlTransfer() else {
            job.fail(HTTPTransportError(.other, "curl_easy_init failed (out of memory)"))
            return
        }
        do {
            try transfer.begin(job)
        } catch {
            recycle(transfer)?.fail(error)
            return
        }
        let code = curl_multi_add_handle(multi, transfer.handle)
        guard code == CURLM_OK else {
            recycle(transfer)?.fail(HTTPTransportError(.other, "curl_multi_add_handle: \(String(cString: curl_multi_strerror(code)))"))
            return
        }
        transfer.activeIndex = active.count
        active.append(transfer)
    }

    /// Lets curl move every transfer forward, then completes the finished ones.
    func perform() {
        var running: Int32 = 0
        // A failure here is memory exhaustion or a libcurl bug; the transfers
        // still end through their timeouts on a later round.
        _ = curl_multi_perform(multi, &running)
        var queued: Int32 = 0
        while let message = curl_multi_info_read(multi, &queued) {
            guard message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle else { continue }
            var raw: UnsafeMutableRawPointer?
            _ = ib_easy_getinfo_ptr(easy, CURLINFO_PRIVATE, &raw)
            guard let raw else { continue }
            let transfer = Unmanaged<CurlTransfer>.fromOpaque(raw).takeUnretainedValue()
            complete(transfer, transfer.finish(message.pointee.data.result))
        }
    }

    func poll(timeoutMilliseconds: Int32) {
        _ = curl_multi_poll(multi, nil, 0, timeoutMilliseconds, nil)
    }

    func cancel(_ id: UInt64) {
        guard let transfer = active.first(where: { $0.job?.id == id }) else { return }
        complete(transfer, .failure(.cancelled))
    }

    func failAll(_ error: HTTPTransportError) {
        while let transfer = active.last {
            complete(transfer, .failure(error))
        }
    }

    /// Cleans up every easy handle; called before `curl_multi_cleanup`.
    func releaseHandles() {
        precondition(active.isEmpty, "transfers still running")
        pool.removeAll()
    }

    private func complete(_ transfer: CurlTransfer, _ outcome: CurlJob.Outcome) {
        curl_multi_remove_handle(multi, transfer.handle)
        let index = transfer.activeIndex
        let last = active.removeLast()
        if last !== transfer {
            active[index] = last
            last.activeIndex = index
        }
        transfer.activeIndex = -1
        let job = recycle(transfer)
        // Resuming only enqueues the caller's task on its executor: the loop
        // does not wait for it.
        job?.continuation.resume(returning: outcome)
    }

    /// Clears the transfer, pools it (or frees it beyond the pool's size) and
    /// hands back its job.
    private func recycle(_ transfer: CurlTransfer) -> CurlJob? {
        if transfer.socketsOpened > 0 {
            counters.socketsOpened.add(transfer.socketsOpened, ordering: .relaxed)
        }
        let job = transfer.end()
        if pool.count < maxPooled { pool.append(transfer) }
        return job
    }
}
