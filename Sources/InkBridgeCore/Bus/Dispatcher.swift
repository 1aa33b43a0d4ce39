import Foundation
import Synchronization

/// Delivers claimed deliveries to their connectors: a bounded pool of
/// concurrent deliveries, fair across tenants (round robin over tenants, then
/// over each tenant's connectors), with per-connector concurrency, rate limit,
/// circuit breaker and pause. Ordering, supersede and stale rules live in the
/// store's lanes; retry timing in `DeliveryStateMachine`.
public final class Dispatcher: Sendable {
    public struct Configuration: Sendable {
        /// Deliveries in flight across all connectors.
        public var maxInFlight = 512
        /// Longest wait between checks when nothing is known to be due.
        public var idleWait = 1.0
        /// How often a connector with nothing due asks the store again, so work
        /// queued by another process (`inkbridge replay`, a second hub) is found.
        public var pollInterval = 1.0
        public init() {}
    }

    private struct State {
        var runtimes: [ConnectorKey: ConnectorRuntime] = [:]
        /// Tenants in round-robin order; `cursor` rotates where a pass starts.
        var tenants: [String] = []
        var connectorsByTenant: [String: [ConnectorKey]] = [:]
        var cursor = 0
        var inFlight = 0
        var running = false
        var stopping = false
    }

    let store: any EventStore
    let clock: any HubClock
    let configuration: Configuration
    let metrics: HubMetrics
    /// Everything the loop and the delivery tasks share.
    private let state = Mutex(State())
    private let wake = WakeSignal()
    private let idle = WakeSignal()
    private let completions: CompletionQueue

    public init(store: any EventStore, clock: any HubClock = SystemClock(), configuration: Configuration = Configuration(),
                metrics: HubMetrics = HubMetrics()) {
        self.store = store
        self.clock = clock
        self.configuration = configuration
        self.metrics = metrics
        self.completions = CompletionQueue(store: store, clock: clock)
        completions.setOnCommitted { [weak self] keys, seconds in self?.committed(keys, seconds: seconds) }
    }

    /// Attempt records of these connectors are in the store: a lane may have a new head to claim.
    private func committed(_ keys: Set<ConnectorKey>, seconds: Double) {
        metrics.storeCommit.observe(seconds, ["complete"])
        notify(keys)
    }

    /// Installs the connectors of a (re)loaded configuration. Connectors that
    /// disappear stop being claimed; their in-flight deliveries finish.
    public func install(_ connectors: [InstalledConnector], paused: Set<ConnectorKey>) {
        let now = clock.now()
        state.withLock { s in
            var runtimes: [ConnectorKey: ConnectorRuntime] = [:]
            var byTenant: [String: [ConnectorKey]] = [:]
            var tenants: [String] = []
            for c in connectors {
                var rt = s.runtimes[c.key] ?? ConnectorRuntime(c, now: now)
                rt.reinstall(c, now: now)
                rt.paused = paused.contains(c.key)
                runtimes[c.key] = rt
                if byTenant[c.key.tenant] == nil { tenants.append(c.key.tenant) }
                byTenant[c.key.tenant, default: []].append(c.key)
            }
            s.runtimes = runtimes
            s.connectorsByTenant = byTenant
            s.tenants = tenants
        }
        wake.signal()
    }

    /// Something became claimable for these connectors (ingest, replay, resume).
    public func notify(_ keys: some Sequence<ConnectorKey>) {
        state.withLock { s in
            for k in keys { s.runtimes[k]?.dirty = true }
        }
        wake.signal()
    }

    public func setPaused(_ key: ConnectorKey, _ paused: Bool) {
        state.withLock { s in
            s.runtimes[key]?.paused = paused
            s.runtimes[key]?.dirty = true
        }
        wake.signal()
    }

    public func isPaused(_ key: ConnectorKey) -> Bool { state.withLock { $0.runtimes[key]?.paused ?? false } }

    public func health() -> [ConnectorKey: ConnectorHealth] {
        let now = clock.now()
        return state.withLock { s in
            s.runtimes.mapValues { rt in
                ConnectorHealth(key: rt.installed.key, type: rt.installed.type, enabled: rt.installed.options.enabled, paused: rt.paused,
                                circuit: rt.breaker.state(now: now), inFlight: rt.inFlight, lastSuccessAt: rt.lastSuccessAt,
                                lastError: rt.lastError, lastErrorAt: rt.lastErrorAt)
            }
        }
    }

    public var inFlightCount: Int { state.withLock { $0.inFlight } }

    /// Runs until `stop()`: recovers deliveries left in flight by a crash, then claims and delivers.
    public func run() async throws(StoreError) {
        let start = state.withLock { s -> Bool in
            if s.running { return false }
            s.running = true
            return true
        }
        precondition(start, "Dispatcher.run() called twice")
        _ = try await store.recoverInFlight(now: clock.now())
        while !state.withLock({ $0.stopping }) {
            let claimed = await claimPass()
            if claimed == 0 {
                let now = clock.now()
                let wait = state.withLock { s -> Double in
                    var soonest = configuration.idleWait
                    for rt in s.runtimes.values {
                        guard let at = rt.wakeTime(now: now) else { continue }
                        soonest = min(soonest, at.timeIntervalSince(now))
                    }
                    return soonest
                }
                if wait > 0 { await wake.wait(timeout: wait) }
            }
        }
    }

    /// Stops claiming, then waits up to `timeout` seconds for deliveries in flight.
    public func stop(timeout: Double = 10) async {
        state.withLock { $0.stopping = true }
        wake.signal()
        let deadline = clock.now().addingTimeInterval(timeout)
        while state.withLock({ $0.inFlight }) > 0 && clock.now() < deadline {
            await idle.wait(timeout: min(0.1, deadline.timeIntervalSince(clock.now())))
        }
        // Every attempt that finished is recorded before the store closes.
        await completions.drained()
    }

    /// One round-robin pass over tenants and their connectors; answers how many deliveries started.
    private func claimPass() async -> Int {
        let now = clock.now()
        let plan: [(ConnectorKey, Int)] = state.withLock { s in
            var plan: [(ConnectorKey, Int)] = []
            var globalFree = configuration.maxInFlight - s.inFlight
            guard globalFree > 0, !s.tenants.isEmpty else { return [] }
            let n = s.tenants.count
            s.cursor = (s.cursor + 1) % n
            // A fair share per tenant, so one tenant's backlog cannot take every global slot.
            let share = max(1, configuration.maxInFlight / n)
            for i in 0..<n {
                let tenant = s.tenants[(s.cursor + i) % n]
                var tenantFree = share
                for key in s.connectorsByTenant[tenant] ?? [] {
                    guard var rt = s.runtimes[key], rt.wantsClaim(now: now) else { continue }
                    let free = min(rt.capacity(now: now), globalFree, tenantFree)
                    // Claim in batches: while deliveries are in flight, wait for a few free slots
                    // (their completions wake this loop) instead of one store round trip per slot.
                    if free > 0 && (free >= rt.claimBatch || rt.inFlight == 0) {
                        rt.dirty = false
                        plan.append((key, free))
                        globalFree -= free
                        tenantFree -= free
                        // Reserve the slots now; unused ones are returned after the claim.
                        rt.inFlight += free
                        s.inFlight += free
                    }
                    s.runtimes[key] = rt
                }
            }
            return plan
        }
        var started = 0
        for (key, limit) in plan {
            var claimed: [ClaimedDelivery] = []
            var nextDue: Date?
            do {
                claimed = try await store.claimDue(key, now: now, limit: limit)
                // Nothing due now: learn when something will be (a completion re-checks otherwise).
                if claimed.isEmpty {
                    let poll = now.addingTimeInterval(configuration.pollInterval)
                    nextDue = min(try await store.nextDue(key) ?? poll, poll)
                }
            } catch {
                state.withLock { s in s.runtimes[key]?.lastError = "store: \(error.message)" }
                nextDue = now.addingTimeInterval(1)
            }
            let installed: InstalledConnector? = state.withLock { s in
                let unused = limit - claimed.count
                s.inFlight -= unused
                guard var rt = s.runtimes[key] else { return nil }
                rt.inFlight -= unused
                if claimed.count == limit { rt.dirty = true }
                rt.nextDue = nextDue
                if let b = rt.bucket, !claimed.isEmpty {
                    var bucket = b
                    bucket.take(claimed.count)
                    rt.bucket = bucket
                    if rt.nextDue != nil { rt.nextDue = max(rt.nextDue!, bucket.nextToken(now: now)) }
                }
                for _ in claimed { rt.breaker.started(now: now) }
                s.runtimes[key] = rt
                return rt.installed
            }
            guard let installed else {
                // Uninstalled meanwhile: hand the claims back to the store as due now.
                for c in claimed { await finish(c, key: key, machine: nil, outcome: nil, startedAt: now) }
                continue
            }
            let machine = DeliveryStateMachine(options: installed.options)
            for c in claimed {
                started += 1
                Task { await self.perform(c, installed: installed, machine: machine) }
            }
        }
        return started
    }

    private func perform(_ claimed: ClaimedDelivery, installed: InstalledConnector, machine: DeliveryStateMachine) async {
        let startedAt = clock.now()
        let delivery = Delivery(id: claimed.id, tenantID: claimed.tenant, connectorID: claimed.connector, event: claimed.event,
                                attempt: claimed.attempts + 1)
        let outcome = await installed.connector.deliver(delivery)
        metrics.attemptDuration.observe(max(0, clock.now().timeIntervalSince(startedAt)), [installed.type, outcome.kind.metricLabel])
        await finish(claimed, key: installed.key, machine: machine, outcome: outcome, startedAt: startedAt)
    }

    /// Queues the attempt record (or, with no outcome, hands the delivery back as due) and frees its slot.
    private func finish(_ claimed: ClaimedDelivery, key: ConnectorKey, machine: DeliveryStateMachine?, outcome: DeliveryOutcome?,
                        startedAt: Date) async {
        let now = clock.now()
        let attempt = claimed.attempts + 1
        let result = outcome ?? .retry("cancelled", "connector removed by a configuration reload")
        // Jitter only matters for a retry; a success skips the random source (a getrandom call each).
        let random = result.kind == .success ? 0.5 : Double.random(in: 0..<1)
        let transition = machine?.next(after: result, attemptNumber: attempt, createdAt: claimed.createdAt, now: now,
                                       random: random) ?? .retry(at: now)
        let record = AttemptRecord(number: attempt, startedAt: startedAt, durationMs: now.timeIntervalSince(startedAt) * 1000,
                                   httpStatus: result.httpStatus, error: result.error, responseExcerpt: result.responseExcerpt)
        // The slot is free once the external system answered; the record is written in the next batch.
        completions.enqueue(DeliveryCompletion(rowID: claimed.rowID, attempt: record, transition: transition, lane: claimed.lane),
                            connector: key)
        let (wakeLoop, wakeStop) = state.withLock { s -> (Bool, Bool) in
            s.inFlight -= 1
            let stopWaiter = s.stopping
            guard var rt = s.runtimes[key] else { return (true, stopWaiter) }
            rt.inFlight -= 1
            rt.dirty = true
            // The loop only claims once a batch of slots is free (or none is in flight): waking it
            // for every answer cost a task switch per delivery for a pass that claims nothing.
            let free = rt.installed.options.concurrency - rt.inFlight
            var wake = free >= rt.claimBatch || rt.inFlight == 0 || s.inFlight == 0
            if let outcome {
                switch outcome.kind {
                case .success:
                    rt.lastSuccessAt = now
                    rt.breaker.record(success: true, now: now)
                case .retry:
                    rt.lastError = outcome.error?.description
                    rt.lastErrorAt = now
                    rt.breaker.record(success: false, now: now)
                case .permanent:
                    rt.lastError = outcome.error?.description
                    rt.lastErrorAt = now
                    // The system answered; a bad request is not an outage.
                    rt.breaker.record(success: true, now: now)
                }
            }
            if case .retry(let at) = transition, rt.nextDue.map({ at < $0 }) ?? true {
                rt.nextDue = at
                wake = true
            }
            s.runtimes[key] = rt
            return (wake, stopWaiter)
        }
        if wakeLoop { wake.signal() }
        if wakeStop { idle.signal() }
    }
}

extension ConnectorRuntime {
    /// The fewest free slots worth a claim while deliveries are in flight.
    var claimBatch: Int { max(1, min(16, installed.options.concurrency / 4)) }

    /// When this connector could next start a delivery; nil when only a completion can change that.
    func wakeTime(now: Date) -> Date? {
        guard installed.options.enabled, !paused, inFlight < installed.options.concurrency else { return nil }
        // Waiting for enough free slots to claim a batch: a completion wakes the loop.
        if inFlight > 0 && installed.options.concurrency - inFlight < claimBatch { return nil }
        var earliest: Date? = dirty ? now : nextDue
        if earliest == nil { return nil }
        if let until = breaker.openUntil, breaker.allowance(now: now) == 0 {
            earliest = breaker.probing ? nil : max(earliest!, until)
        }
        if let bucket, let e = earliest { earliest = max(e, bucket.nextToken(now: now)) }
        return earliest
    }
}
