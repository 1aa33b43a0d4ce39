import Foundation
import Synchronization

/// Delivers claimed deliveries to their connectors: a bounded pool of
/// concurrent deliveries, fair across tenants (round robin over tenants, then
/// over each tenant's connectors), with per-connector concurrency, rate limit,
/// circuit breaker and pause. Ordering, supersede and stale rules live in the
/// store's lanes; retry timing in `DeliveryStateMachine`.
public final class Dispatcher: Sendable {
    public struct Configuration: Sendable {
        /// Deliveries in flight across all connectors: well above what a few busy connectors
        /// use together, so one stalled connector's slots do not slow the others (`serve` opens
        /// as many outbound connections).
        public var maxInFlight = 1024
        /// Deliveries claimed ahead across all connectors (each holds its event in memory).
        public var maxClaimedAhead = 2048
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
        /// Claimed ahead, not yet started: a finishing delivery takes the next one at once,
        /// so a slot's turnaround never waits for a store round trip.
        var ready: [ConnectorKey: ReadyQueue] = [:]
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
            // Every connector's share of the claim-ahead budget, so their targets never add up past it
            // (a target the budget cannot fill would wake the loop on every answer for nothing).
            let share = configuration.maxClaimedAhead / max(1, runtimes.count)
            for key in runtimes.keys { runtimes[key]!.aheadShare = share }
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
        // Claimed ahead and never started: back to the store as they were.
        let unstarted = state.withLock { s -> [ClaimedDelivery] in
            defer { s.ready = [:] }
            return s.ready.values.flatMap { $0.all }
        }
        try? await store.release(unstarted.map(\.rowID), now: clock.now())
        // Every attempt that finished is recorded before the store closes.
        await completions.drained()
    }

    /// One round-robin pass over tenants and their connectors; answers how many deliveries started.
    private func claimPass() async -> Int {
        let now = clock.now()
        var toRelease: [ClaimedDelivery] = []
        var fromReady: [(ClaimedDelivery, InstalledConnector, DeliveryStateMachine)] = []
        // Per connector: slots reserved now, and how many to claim (slots plus room to claim ahead).
        let plan: [(key: ConnectorKey, slots: Int, limit: Int)] = state.withLock { s in
            // Claimed-ahead deliveries of a connector that cannot run them now go back to the store.
            for (key, queue) in s.ready where !queue.isEmpty {
                if let rt = s.runtimes[key], !s.stopping, rt.mayStartReady(now: now) { continue }
                toRelease += queue.all
                s.ready[key] = nil
            }
            var plan: [(ConnectorKey, Int, Int)] = []
            var globalFree = configuration.maxInFlight - s.inFlight
            var aheadFree = configuration.maxClaimedAhead - s.ready.values.reduce(0) { $0 + $1.count }
            guard globalFree > 0, !s.tenants.isEmpty, !s.stopping else { return [] }
            let n = s.tenants.count
            s.cursor = (s.cursor + 1) % n
            // A fair share per tenant, so one tenant's backlog cannot take every global slot.
            let share = max(1, configuration.maxInFlight / n)
            for i in 0..<n {
                let tenant = s.tenants[(s.cursor + i) % n]
                var tenantFree = share
                for key in s.connectorsByTenant[tenant] ?? [] {
                    guard var rt = s.runtimes[key] else { continue }
                    var free = min(rt.capacity(now: now), globalFree, tenantFree)
                    // Slots free while deliveries wait claimed ahead (a breaker that closed again): start them.
                    while free > 0, let c = s.ready[key]?.popFirst() {
                        rt.breaker.started(now: now)
                        rt.inFlight += 1
                        s.inFlight += 1
                        free -= 1
                        globalFree -= 1
                        tenantFree -= 1
                        fromReady.append((c, rt.installed, rt.stateMachine))
                    }
                    guard rt.wantsClaim(now: now) else {
                        s.runtimes[key] = rt
                        continue
                    }
                    let room = max(0, min(rt.aheadTarget(now: now) - (s.ready[key]?.count ?? 0), aheadFree))
                    let want = free + room
                    // Claim in batches: while deliveries are in flight, wait for a few free slots or
                    // room ahead (their completions wake this loop) instead of a store round trip each.
                    if want > 0 && (want >= rt.claimThreshold(now: now) || rt.inFlight == 0) {
                        rt.dirty = false
                        plan.append((key, free, want))
                        aheadFree -= room
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
        if !toRelease.isEmpty { try? await store.release(toRelease.map(\.rowID), now: now) }
        var started = 0
        for (c, installed, machine) in fromReady {
            started += 1
            Task { await self.perform(c, installed: installed, machine: machine) }
        }
        for (key, slots, limit) in plan {
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
            let startNow = min(slots, claimed.count)
            let runtime: (InstalledConnector, DeliveryStateMachine)? = state.withLock { s in
                let unused = slots - startNow
                s.inFlight -= unused
                guard var rt = s.runtimes[key], !s.stopping else {
                    s.inFlight -= startNow
                    if var rt = s.runtimes[key] {
                        rt.inFlight -= slots
                        s.runtimes[key] = rt
                    }
                    return nil
                }
                rt.inFlight -= unused
                if claimed.count == limit { rt.dirty = true }
                rt.nextDue = nextDue
                if let b = rt.bucket, !claimed.isEmpty {
                    var bucket = b
                    bucket.take(claimed.count)
                    rt.bucket = bucket
                    if rt.nextDue != nil { rt.nextDue = max(rt.nextDue!, bucket.nextToken(now: now)) }
                }
                for _ in 0..<startNow { rt.breaker.started(now: now) }
                if claimed.count > startNow {
                    s.ready[key, default: ReadyQueue()].append(contentsOf: claimed[startNow...])
                }
                s.runtimes[key] = rt
                return (rt.installed, rt.stateMachine)
            }
            guard let (installed, machine) = runtime else {
                // Uninstalled or stopping meanwhile: hand the claims back to the store unattempted.
                try? await store.release(claimed.map(\.rowID), now: now)
                continue
            }
            for c in claimed[..<startNow] {
                started += 1
                Task { await self.perform(c, installed: installed, machine: machine) }
            }
        }
        return started
    }

    /// Delivers one claimed delivery, then, while the connector has deliveries claimed ahead
    /// and may start them, the next one in the same slot.
    private func perform(_ claimed: ClaimedDelivery, installed: InstalledConnector, machine: DeliveryStateMachine) async {
        var next: (ClaimedDelivery, InstalledConnector, DeliveryStateMachine)? = (claimed, installed, machine)
        while let (claimed, installed, machine) = next {
            let startedAt = clock.now()
            let delivery = Delivery(id: claimed.id, tenantID: claimed.tenant, connectorID: claimed.connector, event: claimed.event,
                                    attempt: claimed.attempts + 1)
            let outcome = await installed.connector.deliver(delivery)
            metrics.attemptDuration.observe(max(0, clock.now().timeIntervalSince(startedAt)), [installed.type, outcome.kind.metricLabel])
            next = finish(claimed, key: installed.key, machine: machine, outcome: outcome, startedAt: startedAt)
        }
    }

    /// Queues the attempt record and frees its slot; answers the connector's next delivery
    /// claimed ahead when the slot may take it at once.
    private func finish(_ claimed: ClaimedDelivery, key: ConnectorKey, machine: DeliveryStateMachine, outcome: DeliveryOutcome,
                        startedAt: Date) -> (ClaimedDelivery, InstalledConnector, DeliveryStateMachine)? {
        let now = clock.now()
        let attempt = claimed.attempts + 1
        // Jitter only matters for a retry; a success skips the random source (a getrandom call each).
        let random = outcome.kind == .success ? 0.5 : Double.random(in: 0..<1)
        let transition = machine.next(after: outcome, attemptNumber: attempt, createdAt: claimed.createdAt, now: now, random: random)
        let record = AttemptRecord(number: attempt, startedAt: startedAt, durationMs: now.timeIntervalSince(startedAt) * 1000,
                                   httpStatus: outcome.httpStatus, error: outcome.error, responseExcerpt: outcome.responseExcerpt)
        // The slot is free once the external system answered; the record is written in the next batch.
        completions.enqueue(DeliveryCompletion(rowID: claimed.rowID, attempt: record, transition: transition, lane: claimed.lane),
                            connector: key)
        let (wakeLoop, wakeStop, next) = state.withLock { s -> (Bool, Bool, (ClaimedDelivery, InstalledConnector, DeliveryStateMachine)?) in
            s.inFlight -= 1
            let stopWaiter = s.stopping
            guard var rt = s.runtimes[key] else { return (true, stopWaiter, nil) }
            rt.inFlight -= 1
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
            var wake = false
            if case .retry(let at) = transition, rt.nextDue.map({ at < $0 }) ?? true {
                rt.nextDue = at
                wake = true
            }
            // The slot takes the next delivery claimed ahead, unless the connector may not start it now.
            var next: (ClaimedDelivery, InstalledConnector, DeliveryStateMachine)?
            if !s.stopping, s.inFlight < configuration.maxInFlight, rt.mayStartReady(now: now), let c = s.ready[key]?.popFirst() {
                rt.breaker.started(now: now)
                rt.inFlight += 1
                s.inFlight += 1
                next = (c, rt.installed, rt.stateMachine)
            }
            // The loop only claims a batch (free slots plus room ahead), or when nothing is in flight:
            // waking it for every answer cost a task switch per delivery for a pass that claims nothing.
            let free = max(0, rt.installed.options.concurrency - rt.inFlight)
            let room = max(0, rt.aheadTarget(now: now) - (s.ready[key]?.count ?? 0))
            if rt.wantsClaim(now: now) && (free + room >= rt.claimThreshold(now: now) || rt.inFlight == 0) { wake = true }
            // Deliveries claimed ahead that this connector may not start now: the loop hands them back.
            if next == nil && s.ready[key]?.isEmpty == false { wake = true }
            s.runtimes[key] = rt
            return (wake, stopWaiter, next)
        }
        if wakeLoop { wake.signal() }
        if wakeStop { idle.signal() }
        return next
    }
}

extension ConnectorRuntime {
    /// The fewest free slots worth a claim while deliveries are in flight.
    var claimBatch: Int { max(1, min(16, installed.options.concurrency / 4)) }

    /// How many deliveries to keep claimed ahead: up to four per slot, and none for a connector
    /// that is rate limited, paused, disabled or whose circuit is not closed (they would only wait).
    func aheadTarget(now: Date) -> Int {
        guard installed.options.enabled, !paused, bucket == nil, breaker.state(now: now) == .closed else { return 0 }
        return min(4 * installed.options.concurrency, 256, aheadShare)
    }

    /// The fewest deliveries (free slots plus room ahead) worth a claim while deliveries are in flight.
    func claimThreshold(now: Date) -> Int { max(claimBatch, aheadTarget(now: now) / 2) }

    /// Whether a delivery claimed ahead may start now (a slot is assumed free).
    func mayStartReady(now: Date) -> Bool {
        installed.options.enabled && !paused && bucket == nil && breaker.allowance(now: now) > 0
    }

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

/// A FIFO of deliveries claimed ahead (amortised O(1) at both ends).
struct ReadyQueue {
    private var items: [ClaimedDelivery] = []
    private var head = 0

    var count: Int { items.count - head }
    var isEmpty: Bool { head == items.count }
    var all: [ClaimedDelivery] { Array(items[head...]) }

    mutating func append(contentsOf more: some Sequence<ClaimedDelivery>) {
        if head > 0 && head * 2 >= items.count {
            items.removeFirst(head)
            head = 0
        }
        items.append(contentsOf: more)
    }

    mutating func popFirst() -> ClaimedDelivery? {
        guard head < items.count else { return nil }
        defer { head += 1 }
        return items[head]
    }
}
