import CCurl
import Dispatch
import Foundation
import Synchronization

/// The loop thread's side of `CurlMultiLoop`: the running transfers, the
/// pool of idle ones, and the event loop that drives them. Created and used
/// only on the loop thread, so it needs no lock.
///
/// The transfers are driven with `curl_multi_socket_action` over an epoll set
/// that curl keeps up to date through its socket callback: each round touches
/// only the sockets that are ready. (`curl_multi_perform` visits every transfer
/// each round and polls its socket: with a stalled receiver's transfers among
/// them, every round paid for all of them.) `CurlSockets` keeps a kept-alive
/// connection's socket in the set between requests.
final class CurlLoopWorker {
    private let multi: UnsafeMutableRawPointer
    private let maxPooled: Int
    private let counters: CurlMultiLoop.Counters
    /// Transfers added to the multi handle; each knows its index here.
    private var active: [CurlTransfer] = []
    /// Finished transfers kept for reuse (their handles, buffers, error buffer).
    private var pool: [CurlTransfer] = []
    /// The epoll set and what each socket in it is registered for.
    private let sockets = CurlSockets()
    /// Readable when another thread wants the loop's attention (`CurlMultiLoop.wake`).
    private let wakeFD: Int32
    /// When curl wants `CURL_SOCKET_TIMEOUT` handled (its timer callback), in monotonic nanoseconds.
    private var deadline: UInt64?
    private var events = [epoll_event](repeating: epoll_event(), count: 128)

    init(multi: UnsafeMutableRawPointer, wakeFD: Int32, maxPooled: Int, counters: CurlMultiLoop.Counters) {
        self.multi = multi
        self.wakeFD = wakeFD
        self.maxPooled = maxPooled
        self.counters = counters
        sockets.addPermanent(wakeFD, events: EPOLLIN.rawValue)
        let me = Unmanaged.passUnretained(self).toOpaque()
        _ = ib_multi_setopt_socketfunction(multi, Self.socketCallback)
        _ = ib_multi_setopt_ptr(multi, CURLMOPT_SOCKETDATA, me)
        _ = ib_multi_setopt_timerfunction(multi, Self.timerCallback)
        _ = ib_multi_setopt_ptr(multi, CURLMOPT_TIMERDATA, me)
    }

    /// curl tells which events it wants on a socket, or that it is done with it.
    private static let socketCallback: @convention(c) (UnsafeMutableRawPointer?, curl_socket_t, Int32, UnsafeMutableRawPointer?,
                                                      UnsafeMutableRawPointer?) -> Int32 = { _, fd, what, user, _ in
        Unmanaged<CurlLoopWorker>.fromOpaque(user!).takeUnretainedValue().sockets.want(fd, what)
        return 0
    }

    /// curl wants `CURL_SOCKET_TIMEOUT` in `ms` milliseconds (-1: no timer).
    private static let timerCallback: @convention(c) (UnsafeMutableRawPointer?, Int, UnsafeMutableRawPointer?) -> Int32 = { _, ms, user in
        let worker = Unmanaged<CurlLoopWorker>.fromOpaque(user!).takeUnretainedValue()
        worker.deadline = ms < 0 ? nil : DispatchTime.now().uptimeNanoseconds + UInt64(ms) * 1_000_000
        return 0
    }

    /// Transfers running now.
    var activeCount: Int { active.count }

    func start(_ job: CurlJob) {
        guard let transfer = pool.popLast() ?? CurlTransfer(sockets: sockets) else {
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

    /// Waits up to `maxWait` milliseconds (or curl's timer, if sooner) for ready sockets or a
    /// wake-up, lets curl act on what is ready, then completes the finished transfers.
    func runOnce(maxWait: Int32) {
        var running: Int32 = 0
        var timeout = maxWait
        if let deadline {
            let now = DispatchTime.now().uptimeNanoseconds
            let left = deadline > now ? Int32(min(UInt64(Int32.max), (deadline - now + 999_999) / 1_000_000)) : 0
            timeout = min(timeout, left)
        }
        let n = events.withUnsafeMutableBufferPointer { epoll_wait(sockets.epoll, $0.baseAddress, Int32($0.count), timeout) }
        for i in 0..<max(0, Int(n)) {
            let fd = events[i].data.fd
            let ready = events[i].events
            if fd == wakeFD {
                var value: UInt64 = 0
                _ = read(wakeFD, &value, 8)
                continue
            }
            guard sockets.shouldDeliver(fd) else {
                counters.idleSocketsDropped.store(sockets.dropped, ordering: .relaxed)
                continue
            }
            var flags: Int32 = 0
            if ready & EPOLLIN.rawValue != 0 { flags |= CURL_CSELECT_IN }
            if ready & EPOLLOUT.rawValue != 0 { flags |= CURL_CSELECT_OUT }
            if ready & (EPOLLERR.rawValue | EPOLLHUP.rawValue) != 0 { flags |= CURL_CSELECT_ERR }
            // A failure here is memory exhaustion or a libcurl bug; the transfers
            // still end through their timeouts on a later round.
            _ = curl_multi_socket_action(multi, fd, flags, &running)
        }
        if let deadline, DispatchTime.now().uptimeNanoseconds >= deadline {
            self.deadline = nil
            _ = curl_multi_socket_action(multi, ib_socket_timeout(), 0, &running)
        }
        completeFinished()
    }

    /// Hands every transfer curl reports done back to its caller.
    private func completeFinished() {
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
