import Foundation
import InkBridgeCore
import InkBridgeSandbox
import XCTest

/// End to end through the dispatcher, the real libcurl client and a local signed-webhook receiver.
final class WebhookDeliveryTests: XCTestCase {
    func testSignedDeliveryCarriesHeadersAndTheExactBody() async throws {
        let h = try await WebhookHarness()
        let text = WebhookHarness.event("evt_1", sequence: 1)
        let outcome = try await h.sandbox.emit(tenant: "acme", text)
        let ok = await h.receiver.waitForRequests(count: 1, timeout: 10)
        await h.stop()
        XCTAssertTrue(ok)
        let r = try XCTUnwrap(h.receiver.requests.first)
        XCTAssertTrue(r.signatureValid, "signature verified by the receiver")
        XCTAssertEqual(r.method, "POST")
        XCTAssertEqual(r.webhookID, outcome[0].deliveries[0].id, "webhook-id is the delivery id")
        XCTAssertEqual(r.header("X-Team"), "sales-ops")
        XCTAssertEqual(r.header("Content-Type"), "application/json")
        XCTAssertNotNil(r.header("webhook-timestamp").flatMap(Int.init))
        XCTAssertEqual(r.body, Array(text.utf8).trimmedJSONWhitespace, "body byte-identical to what was ingested")
    }

    func testLaterSequencesWaitForARetryingEarlierOneButOtherContractsDoNot() async throws {
        let h = try await WebhookHarness(schedule: [0.3, 0.3, 0.3])
        h.receiver.failNext(count: 2, status: 500, matching: .contract("ctr_A", sequence: 1))
        try await h.sandbox.emit(tenant: "acme", "[" + [
            WebhookHarness.event("a1", contract: "ctr_A", sequence: 1),
            WebhookHarness.event("a2", contract: "ctr_A", sequence: 2),
            WebhookHarness.event("a3", contract: "ctr_A", sequence: 3),
            WebhookHarness.event("b1", contract: "ctr_B", sequence: 1),
        ].joined(separator: ",") + "]")
        let ok = await h.receiver.waitForRequests(count: 6, timeout: 15)
        await h.stop()
        XCTAssertTrue(ok, "3 attempts of a1, then a2, a3, and b1")
        let all = h.receiver.requests
        let a = all.filter { $0.contractID == "ctr_A" }
        XCTAssertEqual(a.map(\.sequence), [1, 1, 1, 2, 3], "a2 and a3 only after a1 succeeded, in order")
        XCTAssertEqual(a.map(\.status), [500, 500, 204, 204, 204])
        XCTAssertEqual(Set(a.prefix(3).map(\.webhookID)).count, 1, "the same webhook-id on every retry")
        let firstA1Success = all.firstIndex { $0.contractID == "ctr_A" && $0.status == 204 }!
        let b1 = all.firstIndex { $0.contractID == "ctr_B" }!
        XCTAssertLessThan(b1, firstA1Success, "another contract is not held up by ctr_A's retries")
    }

    /// Six events for six contracts to a connector of concurrency 1 whose receiver answers after
    /// 0.5 s; returns once one delivery is in flight and four more are claimed ahead.
    private func harnessWithDeliveriesClaimedAhead(prefix: String) async throws -> WebhookHarness {
        let h = try await WebhookHarness(concurrency: 1)
        h.receiver.setDelay(0.5)
        let events = (1...6).map { WebhookHarness.event("\(prefix)\($0)", contract: "ctr_\($0)", sequence: 1) }
        try await h.sandbox.emit(tenant: "acme", "[" + events.joined(separator: ",") + "]")
        let claimedAhead = try await eventually { try await Self.count(.inFlight, in: h) == 5 }
        XCTAssertTrue(claimedAhead, "1 delivery in flight and 4 claimed ahead")
        return h
    }

    private static func count(_ state: DeliveryState, in h: WebhookHarness) async throws(StoreError) -> Int {
        try await h.sandbox.store.deliveries(DeliveryQuery(tenant: "acme", state: state)).items.count
    }

    func testPauseHandsDeliveriesClaimedAheadBackUnattempted() async throws {
        let h = try await harnessWithDeliveriesClaimedAhead(prefix: "p")
        let key = ConnectorKey(tenant: "acme", connector: "hook")
        let store = h.sandbox.store
        @Sendable func count(_ state: DeliveryState) async throws(StoreError) -> Int { try await Self.count(state, in: h) }

        try await h.sandbox.hub.setPaused(key, paused: true, actor: "test")
        h.receiver.setDelay(0)
        // The one already sent finishes; the four claimed ahead go back as paused, with no attempt spent.
        let settled = try await eventually {
            let (succeeded, paused, inFlight) = (try await count(.succeeded), try await count(.paused), try await count(.inFlight))
            return succeeded == 1 && paused == 5 && inFlight == 0
        }
        XCTAssertTrue(settled)
        XCTAssertEqual(h.receiver.requests.count, 1, "nothing claimed ahead was sent after the pause")
        let paused = try await store.deliveries(DeliveryQuery(tenant: "acme", state: .paused)).items
        XCTAssertEqual(paused.map(\.attempts), [0, 0, 0, 0, 0])

        try await h.sandbox.hub.setPaused(key, paused: false, actor: "test")
        let all = await h.receiver.waitForRequests(count: 6, timeout: 10)
        await h.stop()
        XCTAssertTrue(all)
        XCTAssertEqual(Set(h.receiver.requests.compactMap(\.contractID)), Set((1...6).map { "ctr_\($0)" }), "each contract exactly once")
        XCTAssertEqual(h.receiver.requests.count, 6)
    }

    func testAConnectorRemovedByAReloadHandsItsClaimedAheadDeliveriesBack() async throws {
        let h = try await harnessWithDeliveriesClaimedAhead(prefix: "r")
        let store = h.sandbox.store
        @Sendable func count(_ state: DeliveryState) async throws(StoreError) -> Int { try await Self.count(state, in: h) }

        // The same tenant without its webhook connector.
        let without = #"{"version":1,"tenants":[{"id":"acme","api_keys":[{"sha256":"\#(String(repeating: "0", count: 64))"}],"connectors":[]}]}"#
        let loaded = try ConfigLoader(registry: WebhookHarness.registry, resolver: SecretResolver()).load(bytes: Array(without.utf8))
        try await h.sandbox.hub.apply(loaded)
        // The one already sent finishes; the four claimed ahead are pending again, no attempt spent.
        let settled = try await eventually {
            let (succeeded, pending, inFlight) = (try await count(.succeeded), try await count(.pending), try await count(.inFlight))
            return succeeded == 1 && pending == 5 && inFlight == 0
        }
        let pending = try await store.deliveries(DeliveryQuery(tenant: "acme", state: .pending)).items
        await h.stop()
        XCTAssertTrue(settled)
        XCTAssertEqual(h.receiver.requests.count, 1, "nothing claimed ahead was sent after the connector was removed")
        XCTAssertEqual(pending.map(\.attempts), [0, 0, 0, 0, 0])
    }

    func testRetryAfterIsHonoured() async throws {
        let h = try await WebhookHarness(schedule: [0, 0])
        h.receiver.failNext(count: 1, status: 429, retryAfter: "2")
        try await h.sandbox.emit(tenant: "acme", WebhookHarness.event("e1", sequence: 1))
        let ok = await h.receiver.waitForRequests(count: 2, timeout: 10)
        await h.stop()
        XCTAssertTrue(ok)
        let r = h.receiver.requests
        XCTAssertEqual(r.map(\.status), [429, 204])
        XCTAssertGreaterThanOrEqual(r[1].arrivedAt.timeIntervalSince(r[0].arrivedAt), 1.9, "not retried before Retry-After")
    }

    func testPermanent4xxGoesDeadAtOnceAndCLIReplayLands() async throws {
        let h = try await WebhookHarness(schedule: [0.05, 0.05, 0.05])
        h.receiver.failNext(count: 1, status: 422)
        let outcome = try await h.sandbox.emit(tenant: "acme", WebhookHarness.event("e1", sequence: 1))
        let id = outcome[0].deliveries[0].id
        let dead = await h.sandbox.waitForDelivery(id) { $0.summary.state == .dead }
        XCTAssertEqual(dead?.summary.state, .dead)
        XCTAssertEqual(dead?.attempts.count, 1, "a 4xx other than 408/425/429 is not retried")
        XCTAssertEqual(dead?.attempts.first?.httpStatus, 422)
        XCTAssertEqual(dead?.attempts.first?.error?.code, "http_status")

        let replay = try runCLI(["replay", id, "--store", "sqlite:\(h.sandbox.storePath)"])
        XCTAssertEqual(replay.status, 0, replay.stderr)
        let landed = await h.sandbox.waitForDelivery(id) { $0.summary.state == .succeeded }
        await h.stop()
        XCTAssertEqual(landed?.summary.state, .succeeded)
        XCTAssertEqual(landed?.attempts.map(\.httpStatus), [422, 204])
        XCTAssertEqual(h.receiver.requests.map(\.status), [422, 204])
        XCTAssertEqual(Set(h.receiver.requests.map(\.webhookID)), [id])
    }

    func testSameEventIdTwiceIsDeliveredOnce() async throws {
        let h = try await WebhookHarness()
        let first = try await h.sandbox.emit(tenant: "acme", WebhookHarness.event("dup", sequence: 1))
        let second = try await h.sandbox.emit(tenant: "acme", WebhookHarness.event("dup", sequence: 1))
        try await h.sandbox.emit(tenant: "acme", WebhookHarness.event("marker", contract: "ctr_2", sequence: 1))
        let ok = await h.receiver.waitForRequests(count: 2, timeout: 10)
        _ = await h.sandbox.waitForDelivery(first[0].deliveries[0].id) { $0.summary.state == .succeeded }
        await h.stop()
        XCTAssertTrue(ok)
        XCTAssertTrue(second[0].duplicate)
        XCTAssertEqual(second[0].deliveries.map(\.id), first[0].deliveries.map(\.id))
        XCTAssertEqual(h.receiver.requests.filter { $0.json?["id"] == "dup" }.count, 1)
    }

    func testPrivateAddressIsRefusedUnlessAllowed() async throws {
        let receiver = try WebhookReceiver(secret: WebhookHarness.secret)
        let url = "http://localhost:\(receiver.port)/webhook"
        let blocked = try await WebhookHarness(allowPrivate: false, url: url)
        let outcome = try await blocked.sandbox.emit(tenant: "acme", WebhookHarness.event("e1", sequence: 1))
        let dead = await blocked.sandbox.waitForDelivery(outcome[0].deliveries[0].id) { $0.summary.state == .dead }
        await blocked.stop()
        XCTAssertEqual(dead?.summary.state, .dead)
        XCTAssertEqual(dead?.attempts.first?.error?.code, "blocked_address", "localhost resolves to loopback: refused")
        XCTAssertTrue(receiver.requests.isEmpty, "nothing reached the receiver")

        let allowed = try await WebhookHarness(allowPrivate: true, url: url)
        let o2 = try await allowed.sandbox.emit(tenant: "acme", WebhookHarness.event("e1", sequence: 1))
        let ok = await allowed.sandbox.waitForDelivery(o2[0].deliveries[0].id) { $0.summary.state == .succeeded }
        await allowed.stop()
        receiver.stop()
        XCTAssertEqual(ok?.summary.state, .succeeded)
        XCTAssertEqual(receiver.requests.count, 1)
    }
}

extension Array where Element == UInt8 {
    var trimmedJSONWhitespace: [UInt8] {
        var lo = startIndex, hi = endIndex
        while lo < hi, [0x20, 0x0A, 0x0D, 0x09].contains(self[lo]) { lo += 1 }
        while hi > lo, [0x20, 0x0A, 0x0D, 0x09].contains(self[hi - 1]) { hi -= 1 }
        return Array(self[lo..<hi])
    }
}
