import CCurl
import Foundation
import Synchronization

/// The libcurl multi handle and the one dedicated thread that drives it.
/// Callers hand jobs over through a locked queue and wake the thread through
/// an eventfd in its epoll set; the thread runs every transfer and resumes each
/// caller's continuation when its transfer is done. No blocking call ever
/// runs on Swift's cooperative pool.
final class CurlMultiLoop: Sendable {
    /// The multi handle as a value callers may hold. Only the loop thread uses it.
    private struct MultiHandle: @unchecked Sendable {
        let raw: UnsafeMutableRawPointer
    }

    private struct Shared {
        /// Jobs submitted and not yet taken by the loop.
        var queue: [CurlJob] = []
        /// Ids of cancelled tasks whose transfer may be running.
        var cancelled: [UInt64] = []
        /// The loop is (about to be) blocked in `epoll_wait` for up to a second:
        /// the next submitter must wake it. False while it is busy, so a burst of
        /// submissions costs one wakeup, not one each, and false while it naps
        /// (transfers running: it looks at the queue again within `napMilliseconds`).
        var sleeping = false
        /// Set once by `shutdown`. After it, nobody writes the wake-up eventfd:
        /// the loop thread cleans up (and closes it) once it has seen it.
        var stopping = false
        /// The loop thread until someone joins it.
        var thread: pthread_t?
    }

    /// Protects the hand-over between callers and the loop thread: the
    /// queue, cancellations, the sleeping flag, the stop flag and the thread
    /// to join. Held only for a few instructions (and one wakeup write).
    private let shared = Mutex(Shared())
    private let multi: MultiHandle
    /// Written (under `shared`'s lock) to wake the loop thread from `epoll_wait`.
    private let wakeFD: Int32
    private let maxTotalConnections: Int
    private let nextID = Atomic<UInt64>(1)
    /// Requests handed to this loop and not yet answered (`CurlTransport` picks the least busy loop).
    let running = Atomic<Int>(0)
    let counters = Counters()

    /// Figures for tests and diagnostics, written by the loop thread.
    final class Counters: Sendable {
        /// Sockets opened by all transfers so far (connection reuse shows as few).
        let socketsOpened = Atomic<Int>(0)
        /// Idle sockets removed from the epoll set when they became ready (`CurlSockets.shouldDeliver`).
        let idleSocketsDropped = Atomic<Int>(0)
    }

    init(maxTotalConnections: Int) {
        guard let raw = curl_multi_init() else { preconditionFailure("curl_multi_init failed (out of memory)") }
        multi = MultiHandle(raw: raw)
        wakeFD = eventfd(0, Int32(EFD_CLOEXEC | EFD_NONBLOCK))
        precondition(wakeFD >= 0, "eventfd failed: \(errno)")
        self.maxTotalConnections = maxTotalConnections
        // Total open connections, and how many idle ones stay cached for reuse.
        _ = ib_multi_setopt_long(raw, CURLMOPT_MAX_TOTAL_CONNECTIONS, maxTotalConnections)
        _ = ib_multi_setopt_long(raw, CURLMOPT_MAXCONNECTS, maxTotalConnections)

        // The thread owns a retain of the loop until `run` returns.
        let context = Unmanaged.passRetained(self).toOpaque()
        var thread = pthread_t()
        let rc = pthread_create(&thread, nil, { context in
            let loop = Unmanaged<CurlMultiLoop>.fromOpaque(context!).takeRetainedValue()
            loop.run()
            return nil
        }, context)
        precondition(rc == 0, "cannot start the HTTP I/O thread (pthread_create: \(rc))")
        shared.withLock { $0.thread = thread }
    }

    /// Called with `shared`'s lock held, before `stopping` is seen by the loop thread.
    private func wake() {
        var one: UInt64 = 1
        _ = write(wakeFD, &one, 8)
    }

    func makeID() -> UInt64 {
        nextID.add(1, ordering: .relaxed).oldValue
    }

    func submit(_ job: CurlJob) {
        let accepted = shared.withLock { state in
            guard !state.stopping else { return false }
            state.queue.append(job)
            if state.sleeping {
                state.sleeping = false
                wake()
            }
            return true
        }
        if !accepted { job.fail(.shutDown) }
    }

    /// Best effort: a job still queued fails at once, a running transfer is
    /// stopped by the loop; a job already finished is left alone.
    func cancel(_ id: UInt64) {
        let queued: CurlJob? = shared.withLock { state in
            guard !state.stopping else { return nil }
            if let index = state.queue.firstIndex(where: { $0.id == id }) {
                return state.queue.remove(at: index)
            }
            state.cancelled.append(id)
            state.sleeping = false
            wake()
            return nil
        }
        queued?.fail(.cancelled)
    }

    /// Fails queued and running jobs, stops the thread and waits for it to
    /// release every handle. Later submissions fail at once.
    func shutdown() {
        let (queued, thread) = shared.withLock { state -> ([CurlJob], pthread_t?) in
            if !state.stopping {
                state.stopping = true
                wake()
            }
            let queued = state.queue
            state.queue = []
            let thread = state.thread
            state.thread = nil
            return (queued, thread)
        }
        for job in queued { job.fail(.shutDown) }
        if let thread {
            precondition(pthread_equal(thread, pthread_self()) == 0, "shutdown called from the HTTP I/O thread")
            pthread_join(thread, nil)
        }
    }

    /// The longest a job waits for the loop while other transfers run. Woken at once by every
    /// submission, the loop ran a round (an `epoll_wait`, a thread switch) for every few
    /// requests; napping lets submissions gather between answers. It cut the hub's CPU per
    /// ingested event from about 120 to 115 µs and per drained delivery from 44 to 41 µs
    /// (`inkbridge-bench --hub`, alternating runs; futex calls per ingested event 1.03 → 0.89),
    /// for up to 1 ms more before a request starts.
    static let napMilliseconds: Int32 = 1

    /// The loop thread's body.
    private func run() {
        let worker = CurlLoopWorker(multi: multi.raw, wakeFD: wakeFD, maxPooled: max(64, maxTotalConnections), counters: counters)
        var incoming: [CurlJob] = []
        var cancelled: [UInt64] = []
        incoming.reserveCapacity(256)
        while true {
            // Swapping buffers keeps both arrays' storage: no allocation per round.
            let stop = shared.withLock { state in
                if state.stopping { return true }
                swap(&state.queue, &incoming)
                swap(&state.cancelled, &cancelled)
                state.sleeping = false
                return false
            }
            if stop { break }
            for job in incoming { worker.start(job) }
            incoming.removeAll(keepingCapacity: true)
            for id in cancelled { worker.cancel(id) }
            cancelled.removeAll(keepingCapacity: true)

            let napping = worker.activeCount > 0
            let idle = shared.withLock { state in
                guard state.queue.isEmpty, state.cancelled.isEmpty, !state.stopping else { return false }
                state.sleeping = !napping
                return true
            }
            // Sleeps until a socket is ready, curl's next timeout, a wake-up or 1 s (not at all
            // when more jobs are queued), then moves the ready transfers forward. With transfers
            // running it naps instead: a job submitted meanwhile waits up to `napMilliseconds`
            // (or the next answer) rather than costing a wake-up write and a thread switch.
            worker.runOnce(maxWait: idle ? (napping ? Self.napMilliseconds : 1000) : 0)
        }
        worker.failAll(.shutDown)
        worker.releaseHandles()
        // Cleaning up closes the cached connections, and curl calls the worker's socket and timer
        // callbacks for them: the worker must outlive the cleanup.
        withExtendedLifetime(worker) { _ = curl_multi_cleanup(multi.raw) }
        close(wakeFD)
    }
}
