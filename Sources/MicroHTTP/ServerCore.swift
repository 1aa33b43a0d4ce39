import CMicroHTTPD
import Dispatch
import Synchronization

/// What libmicrohttpd's callbacks reach through their `void *cls`: the handler, the limits,
/// and the requests handed to the handler (their connections suspended while it runs).
final class ServerCore: Sendable {
    struct InFlight {
        /// Requests handed to the handler and not yet completed (suspended while the handler
        /// runs, then resumed until their answer is sent), by identity.
        var handedOver: [ObjectIdentifier: RequestState] = [:]
        /// Set by `stop()`: no new request is suspended from then on (it is answered 503).
        var stopping = false
        /// Whether `drained` was signalled (it is signalled once).
        var drainSignalled = false
    }

    let limits: HTTPServerLimits
    let handler: MicroHTTPServer.Handler

    /// Protects the handed-over requests and the stopping flag; `stop()` must see every
    /// suspended connection, since stopping MHD with one suspended is undefined.
    let inFlight = Mutex(InFlight())
    /// Signalled when `stop()` waits and the last handed-over request completed.
    let drained = DispatchSemaphore(value: 0)
    /// Request states alive (created by the URI log, released on completion); tests check
    /// it returns to zero to show that every path cleans up.
    let liveStates = Atomic<Int>(0)

    init(limits: HTTPServerLimits, handler: @escaping MicroHTTPServer.Handler) {
        self.limits = limits
        self.handler = handler
    }

    /// Suspends `connection` and records `state`, atomically with respect to `stop()`.
    /// False when the server is stopping (nothing suspended then).
    func suspend(_ state: RequestState, connection: OpaquePointer) -> Bool {
        inFlight.withLock { f in
            guard !f.stopping else { return false }
            state.suspend(connection)
            f.handedOver[ObjectIdentifier(state)] = state
            return true
        }
    }

    /// Runs the handler, then answers and resumes the connection. The handler of a request
    /// with a small body starts on the MHD thread (`Task.immediate`) and leaves it at its first
    /// suspension (for the ingest route: waiting for the store's commit): starting it on Swift's
    /// pool instead cost a thread hand-off per request (ingest benchmark, curl load: about 7,700
    /// events/s before, about 8,800 after, three runs each). A body over
    /// `limits.inlineHandlerBodyBytes` starts on the pool: its parsing would otherwise keep the
    /// MHD thread from reading its other connections.
    func runHandler(_ request: HTTPServerRequest, state: RequestState) {
        if request.body.count <= limits.inlineHandlerBodyBytes {
            Task.immediate { [self] in
                let response = await handler(request)
                state.resume(with: response)
            }
        } else {
            Task { [self] in
                let response = await handler(request)
                state.resume(with: response)
            }
        }
    }

    /// From the request-completed callback: the answer was sent (or the connection died).
    /// Counting a request until here, not until its resume, keeps `stop()` from closing a
    /// connection whose answer is still being written.
    func completed(_ state: RequestState) {
        let signal = inFlight.withLock { f -> Bool in
            f.handedOver[ObjectIdentifier(state)] = nil
            guard f.stopping, f.handedOver.isEmpty, !f.drainSignalled else { return false }
            f.drainSignalled = true
            return true
        }
        if signal { drained.signal() }
    }

    /// Stops suspending new requests, waits up to the grace period for the handed-over ones
    /// to complete, then answers those still running 503 and resumes them (stopping MHD with
    /// a suspended connection is undefined), giving their answers a moment to go out.
    func drain() {
        let mustWait = inFlight.withLock { f -> Bool in
            f.stopping = true
            if f.handedOver.isEmpty { f.drainSignalled = true }
            return !f.drainSignalled
        }
        guard mustWait else { return }
        let grace = max(0, limits.stopGracePeriod)
        if drained.wait(timeout: .now() + .nanoseconds(Int(grace * 1e9))) == .success { return }
        let late = inFlight.withLock { Array($0.handedOver.values) }
        for state in late {
            state.resume(with: MHDResponse.refusal(503, "server stopping"))
        }
        _ = drained.wait(timeout: .now() + .seconds(1))
    }
}
