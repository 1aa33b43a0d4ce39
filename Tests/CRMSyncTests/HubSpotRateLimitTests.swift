@testable import CRMSync
import InkBridgeCore
import InkBridgeSandbox
import XCTest

/// HubSpot's 429s, its rate-limit headers, and the connector's local pacer.
final class HubSpotRateLimitTests: HubSpotTestCase {
    override func emulatorConfiguration() -> HubSpotEmulator.Configuration {
        var c = HubSpotEmulator.Configuration()
        // A small, long window: longer than the pacer's 15 s local wait, so a
        // held-back delivery comes back at once as a retry instead of sleeping.
        c.windowMax = 3
        c.window = 20
        return c
    }

    func notBefore(_ outcome: DeliveryOutcome, file: StaticString = #filePath, line: UInt = #line) -> Date? {
        guard case .retry(let date?) = outcome.kind else {
            XCTFail("expected a retry with a time, got \(outcome)", file: file, line: line)
            return nil
        }
        return date
    }

    func testTooManyRequestsHonoursRetryAfter() async throws {
        hs.failNext(with: .tooManyRequests(retryAfter: "2", policyName: "SECONDLY"))
        let start = Date()
        let outcome = try await connector().deliver(event("signed", 2))
        let date = try XCTUnwrap(notBefore(outcome))
        XCTAssertGreaterThanOrEqual(date.timeIntervalSince(start), 2)
        XCTAssertLessThan(date.timeIntervalSince(start), 4)
        XCTAssertEqual(outcome.httpStatus, 429)
        XCTAssertEqual(outcome.error?.code, "rate_limited")
        XCTAssertTrue(outcome.error?.message.hasPrefix("PATCH deals/18250467321: 429 RATE_LIMIT: You have reached your secondly limit. (correlationId ") == true,
                      outcome.error?.message ?? "")
    }

    func testTooManyRequestsWithoutRetryAfterWaitsOneWindowAndHoldsLaterDeliveriesLocally() async throws {
        let connector = try connector()
        hs.failNext(with: .tooManyRequests())
        let start = Date()
        let limited = await connector.deliver(event("signed", 2))
        let date = try XCTUnwrap(notBefore(limited))
        XCTAssertEqual(date.timeIntervalSince(start), 20, accuracy: 2, "X-HubSpot-RateLimit-Interval-Milliseconds: 20000")

        // The next delivery is not sent at all: HubSpot said the window is used up.
        let held = await connector.deliver(event("executed", 3))
        XCTAssertEqual(held.error?.code, "rate_limited")
        XCTAssertEqual(try XCTUnwrap(notBefore(held)).timeIntervalSince(start), 20, accuracy: 2)
        XCTAssertEqual(hs.requests.count, 1)
    }

    func testDailyLimitRetriesAfterTheOneHourCap() async throws {
        hs.failNext(with: .tooManyRequests(policyName: "DAILY"))
        let start = Date()
        let outcome = try await connector().deliver(event("signed", 2))
        XCTAssertEqual(try XCTUnwrap(notBefore(outcome)).timeIntervalSince(start), 3600, accuracy: 5)
    }

    func testRemainingZeroHoldsTheNextDeliveryBeforeHubSpotRefusesIt() async throws {
        let connector = try connector()
        for i in 1...3 { assertSuccess(await connector.deliver(event("signed", i))) }
        XCTAssertEqual(hs.requests.count, 3)
        let held = await connector.deliver(event("executed", 4))
        XCTAssertEqual(held.error?.code, "rate_limited")
        XCTAssertEqual(held.error?.message, "PATCH deals/18250467321: held back locally, HubSpot's rate limit window is used up")
        XCTAssertEqual(hs.requests.count, 3, "the fourth request never reached HubSpot")
    }

    func testServiceUnavailableIsRetried() async throws {
        hs.failNext(with: .serviceUnavailable())
        let connector = try connector()
        let outcome = await connector.deliver(event("signed", 2))
        XCTAssertEqual(outcome.kind, .retry(notBefore: nil))
        XCTAssertEqual(outcome.httpStatus, 503)
        assertSuccess(await connector.deliver(event("signed", 2)))
    }

    // MARK: the local pacer, on a clock that never moves

    func testPacerAllowsABurstThenSpacesRequestsAtTheRate() async {
        let t0 = Date(timeIntervalSince1970: 1_800_000_000)
        let pacer = HubSpotRequestPacer(ratePerSecond: 9, clock: FixedClock(date: t0))
        for i in 0..<9 {
            let later = await pacer.acquire(maxWait: 0)
            XCTAssertNil(later, "request \(i + 1) of the burst of 9 goes at once")
        }
        let tenth = await pacer.acquire(maxWait: 0)
        XCTAssertEqual(tenth?.timeIntervalSince(t0) ?? -1, 1.0 / 9, accuracy: 1e-6)
    }

    func testPacerPauseHoldsEveryoneUntilTheGivenTime() async {
        let t0 = Date(timeIntervalSince1970: 1_800_000_000)
        let pacer = HubSpotRequestPacer(ratePerSecond: 9, clock: FixedClock(date: t0))
        pacer.pause(until: t0.addingTimeInterval(30))
        let first = await pacer.acquire(maxWait: 15)
        let second = await pacer.acquire(maxWait: 15)
        XCTAssertEqual(first, t0.addingTimeInterval(30))
        XCTAssertEqual(second, t0.addingTimeInterval(30), "a refused wait reserves nothing")
    }
}
