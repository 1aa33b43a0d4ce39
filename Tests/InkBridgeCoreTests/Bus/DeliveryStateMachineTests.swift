import InkBridgeCore
import XCTest

final class DeliveryStateMachineTests: XCTestCase {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    func machine(_ schedule: [Double] = [5, 300], maxAge: Double? = nil) -> DeliveryStateMachine {
        DeliveryStateMachine(options: ConnectorOptions(retrySchedule: schedule, maxAge: maxAge), jitter: 0.2)
    }

    func testSuccessAndPermanent() {
        XCTAssertEqual(machine().next(after: .success(), attemptNumber: 1, createdAt: t0, now: t0), .succeed)
        XCTAssertEqual(machine().next(after: .permanent("http_status", "HTTP 400"), attemptNumber: 1, createdAt: t0, now: t0), .dead)
    }

    func testScheduleWithJitterThenDead() {
        let retry = DeliveryOutcome.retry("http_status", "HTTP 503")
        XCTAssertEqual(machine().next(after: retry, attemptNumber: 1, createdAt: t0, now: t0, random: 0.5), .retry(at: t0.addingTimeInterval(5)))
        XCTAssertEqual(machine().next(after: retry, attemptNumber: 1, createdAt: t0, now: t0, random: 0), .retry(at: t0.addingTimeInterval(4)))
        XCTAssertEqual(machine().next(after: retry, attemptNumber: 2, createdAt: t0, now: t0, random: 1), .retry(at: t0.addingTimeInterval(360)))
        XCTAssertEqual(machine().next(after: retry, attemptNumber: 3, createdAt: t0, now: t0), .dead, "attempts = 1 + schedule length")
    }

    func testRetryAfterReplacesScheduleAndIsCapped() {
        let soon = DeliveryOutcome.retry("http_status", "HTTP 429", notBefore: t0.addingTimeInterval(2))
        XCTAssertEqual(machine().next(after: soon, attemptNumber: 1, createdAt: t0, now: t0), .retry(at: t0.addingTimeInterval(2)))
        let far = DeliveryOutcome.retry("http_status", "HTTP 503", notBefore: t0.addingTimeInterval(86400))
        XCTAssertEqual(machine().next(after: far, attemptNumber: 1, createdAt: t0, now: t0), .retry(at: t0.addingTimeInterval(3600)))
    }

    func testMaxAgeEndsRetries() {
        let retry = DeliveryOutcome.retry("timeout", "timed out")
        XCTAssertEqual(machine([5, 300], maxAge: 60).next(after: retry, attemptNumber: 2, createdAt: t0, now: t0.addingTimeInterval(10)), .dead)
    }

    func testClassifyHTTP() {
        func outcome(_ status: Int, _ headers: [(name: String, value: String)] = []) -> DeliveryOutcome {
            DeliveryStateMachine.classify(HTTPResponse(status: status, headers: headers, body: [], duration: 0), now: t0, excerpt: nil)
        }
        XCTAssertEqual(outcome(204).kind, .success)
        for s in [408, 425, 429, 500, 502, 503] { XCTAssertEqual(outcome(s).kind, .retry(notBefore: nil), "\(s)") }
        for s in [301, 400, 401, 404, 410, 422] { XCTAssertEqual(outcome(s).kind, .permanent, "\(s)") }
        XCTAssertEqual(outcome(429, [("Retry-After", "7")]).kind, .retry(notBefore: t0.addingTimeInterval(7)))
        XCTAssertEqual(outcome(503, [("retry-after", "Sun, 06 Nov 1994 08:49:37 GMT")]).kind, .retry(notBefore: Date(timeIntervalSince1970: 784_111_777)))
        XCTAssertEqual(DeliveryStateMachine.classify(HTTPTransportError(.blockedAddress, "127.0.0.1")).kind, .permanent)
        XCTAssertEqual(DeliveryStateMachine.classify(HTTPTransportError(.timeout, "t")).kind, .retry(notBefore: nil))
    }

    func testCircuitBreaker() {
        var b = CircuitBreaker(threshold: 3, openFor: 30)
        for _ in 0..<2 { b.record(success: false, now: t0) }
        XCTAssertEqual(b.state(now: t0), .closed)
        b.record(success: false, now: t0)
        XCTAssertEqual(b.state(now: t0), .open)
        XCTAssertEqual(b.allowance(now: t0.addingTimeInterval(29)), 0)
        XCTAssertEqual(b.allowance(now: t0.addingTimeInterval(31)), 1, "half-open lets one probe through")
        b.started(now: t0.addingTimeInterval(31))
        XCTAssertEqual(b.allowance(now: t0.addingTimeInterval(31)), 0)
        b.record(success: false, now: t0.addingTimeInterval(32))
        XCTAssertEqual(b.state(now: t0.addingTimeInterval(80)), .open, "a failed probe reopens for twice as long")
        XCTAssertEqual(b.state(now: t0.addingTimeInterval(93)), .halfOpen)
        b.started(now: t0.addingTimeInterval(93))
        b.record(success: true, now: t0.addingTimeInterval(93))
        XCTAssertEqual(b.state(now: t0.addingTimeInterval(93)), .closed)
    }
}
