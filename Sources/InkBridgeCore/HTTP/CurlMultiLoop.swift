import CCurl
import Foundation
import Synchronization

/// The libcurl multi handle and the one dedicated thread that drives it.
/// Callers hand jobs over through a lock-free stack and wake the thread through
/// an eventfd in its epoll set; the thread runs every transfer and resumes each
/// caller's continuation when its transfer is done. No blocking call ever
/// runs on Swift's cooperative pool.
final class CurlMultiLoop: Sendable {
    /// The multi handle as a value callers may hold. Only the loop thread uses it.
    private struct MultiHandle: @unchecked Sendable {
        let raw: UnsafeMutableRawPointer
    }

    /// A submitted job on the hand-over stack.
    private final class Pending {
        let job: CurlJob
        /// The node below (its bit pattern), written before this node is published.
        var next = 0
        init(_ job: CurlJob) { self.job = job }
    }

    private struct Shared {
        /// Ids of cancelled tasks whose transfer may be queued or running.
        var cancelled: [UInt64] = []
        /// Set once by `shutdown`.
        var stopping = false
        /// The loop thread until someone joins it.
        var thread: pthread_t?
    }

    /// Jobs submitted and not yet taken by the loop: a stack of retained `Pending` nodes (bit
    /// pattern of the top one; 0 when empty, `closed` once shut down). Submitters push with one
    /// compare-and-swap and the loop takes them all with another. Under a lock, submitters on
    /// Swift's pool and the loop thread contended often enough that about 2% of the hub's CPU
    /// under ingest went to the lock's slow path and its priority-inheritance futex calls.
    private let incoming = Atomic<Int>(0)
    private static let closed = 1
    /// The loop is (about to be) blocked in `epoll_wait` for up to a second: the next submitter
    /// must wake it. False while it is busy, so a burst of submissions costs one wakeup, not one
    /// each, and false while it naps (transfers running: it looks at the stack again within
    /// `napMilliseconds`).
    private let sleeping = Atomic<Bool>(false)
    /// Protects cancellations, the stop flag and the thread to join.
    private let shared = Mutex(Shared())
    private let multi: MultiHandle
    /// Written to wake the loop thread from `epoll_wait`; closed in `deinit`, when no submitter
    /// can be writing to it any more.
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

    deinit { close(wakeFD) }

    private func wake() {
        var one: UInt64 = 1
        _ = write(wakeFD, &one, 8)
    }

    func makeID() -> UInt64 {
        nextID.add(1, ordering: .relaxed).oldValue
    }

    func submit(_ job: CurlJob) {
        let node = Unmanaged.passRetained(Pending(job))
        let bits = Int(bitPattern: node.toOpaque())
        var top = incoming.load(ordering: .relaxed)
        while true {
            if top == Self.closed {
                node.release()
                job.fail(.shutDown)
                return
            }
            node.takeUnretainedValue().next = top
            let (pushed, found) = incoming.compareExchange(expected: top, desired: bits, ordering: .sequentiallyConsistent)
            if pushed { break }
            top = found
        }
        // Sequentially consistent with the loop's "sleeping, then is the stack empty?": either
        // it sees this job, or this sees it sleeping and wakes it.
        if sleeping.load(ordering: .sequentiallyConsistent), sleeping.exchange(false, ordering: .sequentiallyConsistent) {
            wake()
        }
    }

    /// Takes every job on the stack, oldest first; false once shut down.
    private func takeIncoming(into jobs: inout [CurlJob]) -> Bool {
        var top = incoming.load(ordering: .acquiring)
        while true {
            if top == Self.closed { return false }
            if top == 0 { return true }
            let (taken, found) = incoming.compareExchange(expected: top, desired: 0, ordering: .acquiringAndReleasing)
            if taken { break }
            top = found
        }
        Self.unlink(top, into: &jobs)
        return true
    }

    /// Appends the jobs of the stack whose top is `top`, oldest first, releasing its nodes.
    private static func unlink(_ top: Int, into jobs: inout [CurlJob]) {
        let start = jobs.count
        var bits = top
        while bits != 0 {
            let node = Unmanaged<Pending>.fromOpaque(UnsafeRawPointer(bitPattern: bits)!).takeRetainedValue()
            jobs.append(node.job)
            bits = node.next
        }
        jobs[start...].reverse()
    }

    /// Best effort: a job not yet started fails without being sent, a running transfer is
    /// stopped by the loop; a job already finished is left alone.
    func cancel(_ id: UInt64) {
        let accepted = shared.withLock { state -> Bool in
            guard !state.stopping else { return false }
            state.cancelled.append(id)
            return true
        }
        guard accepted else { return }
        sleeping.store(false, ordering: .sequentiallyConsistent)
        wake()
    }

    /// Fails queued and running jobs, stops the thread and waits for it to
    /// release every handle. Later submissions fail at once.
    func shutdown() {
        var queued: [CurlJob] = []
        let top = incoming.exchange(Self.closed, ordering: .acquiringAndReleasing)
        if top != Self.closed { Self.unlink(top, into: &queued) }
        let thread = shared.withLock { state -> pthread_t? in
            if !state.stopping {
                state.stopping = true
                wake()
            }
            let thread = state.thread
            state.thread = nil
            return thread
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
        var jobs: [CurlJob] = []
        var cancelled: [UInt64] = []
        jobs.reserveCapacity(256)
        while true {
            // Swapping buffers keeps both arrays' storage: no allocation per round.
            let stop = shared.withLock { state in
                if state.stopping { return true }
                swap(&state.cancelled, &cancelled)
                return false
            }
            if stop || !takeIncoming(into: &jobs) { break }
            if cancelled.isEmpty {
                for job in jobs { worker.start(job) }
            } else {
                // Cancelled before the loop took it: answered without being sent.
                for job in jobs {
                    if let i = cancelled.firstIndex(of: job.id) {
                        cancelled.remove(at: i)
                        job.fail(.cancelled)
                    } else {
                        worker.start(job)
                    }
                }
                for id in cancelled { worker.cancel(id) }
                cancelled.removeAll(keepingCapacity: true)
            }
            jobs.removeAll(keepingCapacity: true)

            let napping = worker.activeCount > 0
            // With transfers running it naps, so no submitter needs to wake it.
            sleeping.store(!napping, ordering: .sequentiallyConsistent)
            let idle = incoming.load(ordering: .sequentiallyConsistent) == 0
                && shared.withLock { $0.cancelled.isEmpty && !$0.stopping }
            if !idle { sleeping.store(false, ordering: .relaxed) }
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
    }
}
