import InkBridgeCore
import InkBridgeSandbox
import XCTest

final class SQLiteEventStoreTests: XCTestCase {
    var dir: String!
    var store: SQLiteEventStore!
    let now = Date(timeIntervalSince1970: 1_800_000_000)
    let hook = ConnectorKey(tenant: "acme", connector: "hook")
    let crm = ConnectorKey(tenant: "acme", connector: "crm")

    override func setUpWithError() throws {
        dir = SandboxPaths.temporaryDirectory(prefix: "inkbridge-test")
        store = try SQLiteEventStore(path: dir + "/hub.db")
    }

    override func tearDown() async throws {
        // Whatever a test did, the per-state counts the metrics read agree with the rows.
        let agree = try await store.countsAgreeWithRows()
        XCTAssertTrue(agree, "delivery_counts differs from the deliveries")
        store.close()
        try? FileManager.default.removeItem(atPath: dir)
    }

    func ingest(_ e: ContractEvent, tenant: String = "acme", state: Bool = false, connector: String? = nil) async throws -> IngestOutcome {
        let planned = PlannedDelivery(connector: connector ?? (state ? "crm" : "hook"), isStateConnector: state)
        return try await store.ingest(tenant: tenant, items: [IngestItem(event: e, deliveries: [planned])], now: now)[0]
    }

    func complete(_ c: ClaimedDelivery, _ t: DeliveryTransition) async throws -> DeliveryState {
        let a = AttemptRecord(number: c.attempts + 1, startedAt: now, durationMs: 1, httpStatus: 204, error: nil, responseExcerpt: nil)
        return try await store.complete([DeliveryCompletion(rowID: c.rowID, attempt: a, transition: t)], now: now)[0]
    }

    func testDuplicateEventIdCreatesOneSetOfDeliveries() async throws {
        let first = try await ingest(TestEvents.event(id: "e1", sequence: 1))
        let again = try await ingest(TestEvents.event(id: "e1", sequence: 1))
        XCTAssertFalse(first.duplicate)
        XCTAssertTrue(again.duplicate)
        XCTAssertEqual(again.deliveries, first.deliveries)
        let page = try await store.deliveries(DeliveryQuery(tenant: "acme"))
        XCTAssertEqual(page.items.count, 1)
        let other = try await ingest(TestEvents.event(id: "e1", sequence: 1), tenant: "globex")
        XCTAssertFalse(other.duplicate, "event ids are unique per tenant only")
    }

    func testAnEventQueuedBehindAnInFlightHeadIsReleasedWhenTheHeadFinishes() async throws {
        // The head is claimed while its lane holds nothing else; the next status arrives while it is in flight.
        _ = try await ingest(TestEvents.event(id: "e1", sequence: 1))
        let head = try await store.claimDue(hook, now: now, limit: 10)
        XCTAssertEqual(head.map(\.event.id), ["e1"])
        _ = try await ingest(TestEvents.event(id: "e2", sequence: 2))
        do { let value = try await store.claimDue(hook, now: now, limit: 10).count; XCTAssertEqual(value, 0, "e2 waits behind e1") }
        do { let value = try await complete(head[0], .succeed); XCTAssertEqual(value, .succeeded) }
        do { let value = try await store.claimDue(hook, now: now, limit: 10).map(\.event.id); XCTAssertEqual(value, ["e2"]) }
    }

    /// Completions as the dispatcher sends them (lanes known, several per batch): successes are
    /// written together, the others one by one; each answer is in the order given, and a lane
    /// with an event waiting behind its head releases it.
    func testABatchOfCompletionsWithLanesEndsEachDeliveryAndReleasesWaitingLanes() async throws {
        for (id, contract) in [("e1", "ctr_a"), ("e3", "ctr_b"), ("e4", "ctr_c")] {
            _ = try await ingest(TestEvents.event(id: id, contract: contract, sequence: 1))
        }
        let heads = try await store.claimDue(hook, now: now, limit: 10)
        XCTAssertEqual(heads.map(\.event.id), ["e1", "e3", "e4"])
        _ = try await ingest(TestEvents.event(id: "e2", contract: "ctr_a", sequence: 2))
        func completion(_ c: ClaimedDelivery, _ t: DeliveryTransition, status: Int) -> DeliveryCompletion {
            DeliveryCompletion(rowID: c.rowID, attempt: AttemptRecord(number: c.attempts + 1, startedAt: now, durationMs: 3, httpStatus: status,
                                                                      error: nil, responseExcerpt: nil),
                               transition: t, lane: c.lane)
        }
        let later = now.addingTimeInterval(60)
        let states = try await store.complete([completion(heads[0], .succeed, status: 204), completion(heads[1], .retry(at: later), status: 503),
                                               completion(heads[2], .succeed, status: 200)], now: now)
        XCTAssertEqual(states, [.succeeded, .retrying, .succeeded])
        let next = try await store.claimDue(hook, now: now, limit: 10)
        XCTAssertEqual(next.map(\.event.id), ["e2"], "ctr_a's next event is released; ctr_b retries later; ctr_c is done")
        for (claimed, state, status) in [(heads[0], DeliveryState.succeeded, 204), (heads[1], .retrying, 503), (heads[2], .succeeded, 200)] {
            let detail = try await store.delivery(tenant: "acme", id: claimed.id)
            XCTAssertEqual(detail?.summary.state, state)
            XCTAssertEqual(detail?.summary.attempts, 1)
            XCTAssertEqual(detail?.attempts.map(\.httpStatus), [status])
        }
        do { let value = try await store.claimDue(hook, now: later, limit: 10).map(\.event.id); XCTAssertEqual(value, ["e3"]) }
    }

    func testAReplayedDeliveryBehindANewHeadIsReleasedAfterIt() async throws {
        _ = try await ingest(TestEvents.event(id: "e1", sequence: 1))
        let first = try await store.claimDue(hook, now: now, limit: 10)
        _ = try await complete(first[0], .dead)
        _ = try await ingest(TestEvents.event(id: "e2", sequence: 2))
        let second = try await store.claimDue(hook, now: now, limit: 10)
        XCTAssertEqual(second.map(\.event.id), ["e2"])
        // Replayed while e2 is in flight: it waits for e2, then goes.
        do { let value = try await store.replay(tenant: "acme", deliveryID: first[0].id, now: now); XCTAssertEqual(value, .replayed) }
        do { let value = try await store.claimDue(hook, now: now, limit: 10).count; XCTAssertEqual(value, 0, "the replay waits behind e2") }
        _ = try await complete(second[0], .succeed)
        do { let value = try await store.claimDue(hook, now: now, limit: 10).map(\.event.id); XCTAssertEqual(value, ["e1"]) }
    }

    func testLaneReleasesLaterSequencesOnlyAfterTheHeadFinishes() async throws {
        for s in 1...3 { _ = try await ingest(TestEvents.event(id: "e\(s)", sequence: Int64(s))) }
        _ = try await ingest(TestEvents.event(id: "other", contract: "ctr_2", sequence: 1))
        let first = try await store.claimDue(hook, now: now, limit: 10)
        XCTAssertEqual(first.map(\.event.id).sorted(), ["e1", "other"], "one head per contract")
        do { let value = try await store.claimDue(hook, now: now, limit: 10).count; XCTAssertEqual(value, 0, "nothing in flight is claimed twice") }
        let e1 = first.first { $0.event.id == "e1" }!
        let retryAt = now.addingTimeInterval(5)
        do { let value = try await complete(e1, .retry(at: retryAt)); XCTAssertEqual(value, .retrying) }
        do { let value = try await store.claimDue(hook, now: now, limit: 10).count; XCTAssertEqual(value, 0, "a retrying head holds its lane") }
        do { let value = try await store.nextDue(hook); XCTAssertEqual(value, retryAt) }
        let again = try await store.claimDue(hook, now: retryAt, limit: 10)
        XCTAssertEqual(again.map(\.event.id), ["e1"])
        XCTAssertEqual(again[0].attempts, 1)
        do { let value = try await complete(again[0], .succeed); XCTAssertEqual(value, .succeeded) }
        do { let value = try await store.claimDue(hook, now: retryAt, limit: 10).map(\.event.id); XCTAssertEqual(value, ["e2"]) }
        let detail = try await store.delivery(tenant: "acme", id: again[0].id)
        XCTAssertEqual(detail?.attempts.map(\.number), [1, 2])
        XCTAssertEqual(detail?.summary.state, .succeeded)
    }

    func testDeadHeadReleasesItsLane() async throws {
        for s in 1...2 { _ = try await ingest(TestEvents.event(id: "e\(s)", sequence: Int64(s))) }
        let c = try await store.claimDue(hook, now: now, limit: 10)
        do { let value = try await complete(c[0], .dead); XCTAssertEqual(value, .dead) }
        do { let value = try await store.claimDue(hook, now: now, limit: 10).map(\.event.id); XCTAssertEqual(value, ["e2"]) }
    }

    func testStateConnectorSupersedesQueuedOlderStatuses() async throws {
        _ = try await ingest(TestEvents.event(id: "e1", sequence: 1), state: true)
        let inFlight = try await store.claimDue(crm, now: now, limit: 10)
        XCTAssertEqual(inFlight.map(\.event.id), ["e1"])
        // While 1 is in flight (and failing), 2, 3 and 4 queue up.
        var refs: [String: DeliveryRef] = [:]
        for s in 2...4 { refs["e\(s)"] = try await ingest(TestEvents.event(id: "e\(s)", sequence: Int64(s)), state: true).deliveries[0] }
        do { let value = try await complete(inFlight[0], .retry(at: now)); XCTAssertEqual(value, .superseded, "a newer status is queued: no retry of 1") }
        let next = try await store.claimDue(crm, now: now, limit: 10)
        XCTAssertEqual(next.map(\.event.id), ["e4"], "only the newest status is sent")
        for s in 2...3 {
            let d = try await store.delivery(tenant: "acme", id: refs["e\(s)"]!.id)
            XCTAssertEqual(d?.summary.state, .superseded)
        }
    }

    func testStateConnectorMarksOlderThanDeliveredStale() async throws {
        _ = try await ingest(TestEvents.event(id: "e3", sequence: 3), state: true)
        let c = try await store.claimDue(crm, now: now, limit: 10)
        _ = try await complete(c[0], .succeed)
        let late = try await ingest(TestEvents.event(id: "e2", sequence: 2), state: true)
        XCTAssertEqual(late.deliveries[0].state, .stale)
        do { let value = try await store.claimDue(crm, now: now, limit: 10).count; XCTAssertEqual(value, 0) }
        // A webhook (not a state connector) still gets the late event.
        let hookOutcome = try await ingest(TestEvents.event(id: "e2b", sequence: 2))
        XCTAssertEqual(hookOutcome.deliveries[0].state, .pending)
    }

    func testRecoverInFlightAfterCrash() async throws {
        _ = try await ingest(TestEvents.event(id: "e1", sequence: 1))
        let c = try await store.claimDue(hook, now: now, limit: 10)
        XCTAssertEqual(c.count, 1)
        store.close()
        store = try SQLiteEventStore(path: dir + "/hub.db")
        do { let value = try await store.recoverInFlight(now: now); XCTAssertEqual(value, 1) }
        let again = try await store.claimDue(hook, now: now, limit: 10)
        XCTAssertEqual(again.map(\.id), c.map(\.id), "the same delivery id after restart")
    }

    func testPauseResumeAndReplay() async throws {
        _ = try await ingest(TestEvents.event(id: "e1", sequence: 1))
        try await store.setPaused(hook, paused: true, now: now)
        do { let value = try await store.pausedConnectors(); XCTAssertEqual(value, [hook]) }
        do { let value = try await store.claimDue(hook, now: now, limit: 10).count; XCTAssertEqual(value, 0) }
        let paused = try await store.deliveries(DeliveryQuery(tenant: "acme", state: .paused))
        XCTAssertEqual(paused.items.count, 1)
        try await store.setPaused(hook, paused: false, now: now)
        let c = try await store.claimDue(hook, now: now, limit: 10)
        XCTAssertEqual(c.count, 1)
        _ = try await complete(c[0], .dead)
        do { let value = try await store.replay(tenant: "globex", deliveryID: c[0].id, now: now); XCTAssertEqual(value, .notFound, "another tenant sees nothing") }
        do { let value = try await store.replay(tenant: "acme", deliveryID: c[0].id, now: now); XCTAssertEqual(value, .replayed) }
        do { let value = try await store.replay(tenant: "acme", deliveryID: c[0].id, now: now); XCTAssertEqual(value, .notReplayable(.pending)) }
        do { let value = try await store.claimDue(hook, now: now, limit: 10).map(\.id); XCTAssertEqual(value, [c[0].id]) }
    }

    /// The counts behind metrics and backlog (kept by the writes, not counted from rows)
    /// follow every way a delivery changes state, including a claim handed back and a crash.
    func testDeliveryCountsFollowEveryTransition() async throws {
        func counts() async throws -> [DeliveryState: Int] { try await store.deliveryCounts()[hook] ?? [:] }
        for i in 1...4 { _ = try await ingest(TestEvents.event(id: "c\(i)", contract: "ctr_c\(i)", sequence: 1)) }
        do { let value = try await counts(); XCTAssertEqual(value, [.pending: 4]) }

        let claimed = try await store.claimDue(hook, now: now, limit: 3)
        XCTAssertEqual(claimed.count, 3)
        try await store.release([claimed[2].rowID], now: now)
        do { let value = try await counts(); XCTAssertEqual(value, [.pending: 2, .inFlight: 2]) }

        _ = try await complete(claimed[0], .succeed)
        _ = try await complete(claimed[1], .retry(at: now))
        do { let value = try await counts(); XCTAssertEqual(value, [.pending: 2, .succeeded: 1, .retrying: 1]) }
        do { let value = try await store.backlog(tenant: "acme")[hook]; XCTAssertEqual(value, 3) }

        try await store.setPaused(hook, paused: true, now: now)
        do { let value = try await counts(); XCTAssertEqual(value, [.paused: 3, .succeeded: 1]) }
        try await store.setPaused(hook, paused: false, now: now)
        do { let value = try await counts(); XCTAssertEqual(value, [.pending: 3, .succeeded: 1]) }

        let again = try await store.claimDue(hook, now: now, limit: 10)
        XCTAssertEqual(again.count, 3)
        _ = try await complete(again[0], .dead)
        // A crash with two in flight: recovery makes them retrying.
        store.close()
        store = try SQLiteEventStore(path: dir + "/hub.db")
        do { let value = try await store.recoverInFlight(now: now); XCTAssertEqual(value, 2) }
        do { let value = try await counts(); XCTAssertEqual(value, [.retrying: 2, .succeeded: 1, .dead: 1]) }

        do { let value = try await store.replayDead(hook, now: now); XCTAssertEqual(value, 1) }
        do { let value = try await counts(); XCTAssertEqual(value, [.retrying: 2, .succeeded: 1, .pending: 1]) }
        let dead = try await store.deliveries(DeliveryQuery(tenant: "acme", state: .dead))
        XCTAssertEqual(dead.items.count, 0)
        let retrying = try await store.deliveries(DeliveryQuery(tenant: "acme", state: .retrying, connector: "hook"))
        XCTAssertEqual(retrying.items.count, 2, "a rare state is listed through its partial index")
    }

    /// A database from before the counts table gets it filled from its rows when it opens.
    func testCountsMigrationFillsFromExistingRows() async throws {
        _ = try await ingest(TestEvents.event(id: "m1", contract: "ctr_m1", sequence: 1))
        _ = try await ingest(TestEvents.event(id: "m2", contract: "ctr_m2", sequence: 1))
        let c = try await store.claimDue(hook, now: now, limit: 1)
        _ = try await complete(c[0], .succeed)
        store.close()
        // Back to the schema of the previous migration.
        let path = dir + "/hub.db"
        let sqlite = Process()
        sqlite.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        sqlite.arguments = ["python3", "-c", """
            import sqlite3, sys
            db = sqlite3.connect(sys.argv[1])
            db.executescript("DROP TABLE delivery_counts; DROP INDEX deliveries_problem; "
                             "CREATE INDEX deliveries_state ON deliveries (tenant, connector, state); "
                             "DELETE FROM schema_migrations WHERE id = '2026-11-26-delivery-counts';")
            db.commit()
            """, path]
        try sqlite.run()
        sqlite.waitUntilExit()
        XCTAssertEqual(sqlite.terminationStatus, 0)

        store = try SQLiteEventStore(path: path)
        do { let value = try await store.deliveryCounts()[hook]; XCTAssertEqual(value, [.pending: 1, .succeeded: 1]) }
    }

    /// A newer event moves the contract on (status, customer); an older one arriving later does not.
    func testRegistryFollowsNewerEventsOnly() async throws {
        _ = try await ingest(TestEvents.event(id: "r1", contract: "ctr_r", sequence: 1, status: "sent", customer: "cust_a"))
        _ = try await ingest(TestEvents.event(id: "r3", contract: "ctr_r", sequence: 3, status: "executed", customer: "cust_b"))
        _ = try await ingest(TestEvents.event(id: "r2", contract: "ctr_r", sequence: 2, status: "signed", customer: "cust_a"))
        let record = try await store.contract(tenant: "acme", id: "ctr_r")
        XCTAssertEqual(record?.sequence, 3)
        XCTAssertEqual(record?.status, "executed")
        XCTAssertEqual(record?.customerID, "cust_b")
        let forB = try await store.contracts(tenant: "acme", customerID: "cust_b").map(\.id)
        let forA = try await store.contracts(tenant: "acme", customerID: "cust_a").map(\.id)
        XCTAssertEqual(forB, ["ctr_r"])
        XCTAssertEqual(forA, [], "the customer of the newest event only")
    }

    func testRegistryKeepsHighestSequenceAndPagination() async throws {
        _ = try await ingest(TestEvents.event(id: "e2", sequence: 2, status: "executed"))
        _ = try await ingest(TestEvents.event(id: "e1", sequence: 1, status: "signed"))
        let record = try await store.contract(tenant: "acme", id: "ctr_1")
        XCTAssertEqual(record?.status, "executed")
        XCTAssertEqual(record?.sequence, 2)
        do { let value = try await store.contract(tenant: "globex", id: "ctr_1"); XCTAssertNil(value) }
        for i in 0..<5 { _ = try await ingest(TestEvents.event(id: "p\(i)", contract: "c\(i)", sequence: 1)) }
        var seen: [String] = []
        var cursor: String?
        repeat {
            let page = try await store.deliveries(DeliveryQuery(tenant: "acme", limit: 3, cursor: cursor))
            seen += page.items.map(\.eventID)
            cursor = page.nextCursor
        } while cursor != nil
        XCTAssertEqual(seen, ["p4", "p3", "p2", "p1", "p0", "e1", "e2"], "newest first, every row once")
    }

    func testAuditChainDetectsTampering() async throws {
        for i in 0..<3 { try await store.appendAudit(actor: "cli", action: "replay", detail: "d\(i)", now: now) }
        var entries = try await store.auditEntries()
        XCTAssertNil(AuditChain.verify(entries))
        let e = entries[1]
        entries[1] = AuditEntry(seq: e.seq, at: e.at, actor: e.actor, action: e.action, detail: "changed", previousHash: e.previousHash, hash: e.hash)
        XCTAssertEqual(AuditChain.verify(entries), e.seq)
    }

    func testSecretBoxSealsAndBindsTheName() throws {
        let box = try SecretBox(key: Array(repeating: 7, count: 32))
        let sealed = try box.seal(Array("s3cr3t".utf8), associatedData: "acme/token")
        XCTAssertFalse(sealed.containsSubsequence(Array("s3cr3t".utf8)))
        XCTAssertEqual(try box.open(sealed, associatedData: "acme/token"), Array("s3cr3t".utf8))
        XCTAssertThrowsError(try box.open(sealed, associatedData: "globex/token"))
        var tampered = sealed
        tampered[20] ^= 1
        XCTAssertThrowsError(try box.open(tampered, associatedData: "acme/token"))
        XCTAssertThrowsError(try SecretBox(key: Array(repeating: 7, count: 32)).open(sealed, associatedData: "acme/token".uppercased()))
    }
}

extension Array where Element == UInt8 {
    func containsSubsequence(_ needle: [UInt8]) -> Bool {
        guard needle.count <= count else { return false }
        return (0...(count - needle.count)).contains { Array(self[$0..<($0 + needle.count)]) == needle }
    }
}
