import CRMSync
import InkBridgeCore
import InkBridgeSandbox
import XCTest

/// How Salesforce's failures map to retry or permanent outcomes (SPEC section 5).
final class SalesforceFailureTests: SalesforceTestCase {
    func deliverOnce() async throws -> DeliveryOutcome {
        try await connector().deliver(CRMFixtures.delivery(CRMFixtures.event(status: "executed", sequence: 3)))
    }

    func assertRetry(_ outcome: DeliveryOutcome, notBeforeAtLeast seconds: TimeInterval, after start: Date,
                     file: StaticString = #filePath, line: UInt = #line) {
        guard case .retry(let notBefore?) = outcome.kind else {
            return XCTFail("expected a retry with a time, got \(outcome)", file: file, line: line)
        }
        XCTAssertGreaterThanOrEqual(notBefore.timeIntervalSince(start), seconds, file: file, line: line)
        XCTAssertLessThan(notBefore.timeIntervalSince(start), seconds + 5, file: file, line: line)
    }

    func testRequestLimitExceededIsRetriedNotBeforeRetryAfter() async throws {
        sf.failNext(with: .requestLimitExceeded(retryAfter: "2"))
        let start = Date()
        let outcome = try await deliverOnce()
        assertRetry(outcome, notBeforeAtLeast: 2, after: start)
        XCTAssertEqual(outcome.httpStatus, 403)
        XCTAssertEqual(outcome.error, DeliveryError(code: "rate_limited", message:
            "PATCH Opportunity/006Dn00000AbCdEIAV: 403 REQUEST_LIMIT_EXCEEDED: TotalRequests Limit exceeded."))
        // Nothing was written; the next attempt goes through.
        XCTAssertNil(sf.record("Opportunity", id: "006Dn00000AbCdEIAV")?["Contract_Status__c"])
    }

    func testRequestLimitExceededWithoutRetryAfterLeavesTheDelayToTheSchedule() async throws {
        sf.failNext(with: .requestLimitExceeded())
        let outcome = try await deliverOnce()
        XCTAssertEqual(outcome.kind, .retry(notBefore: nil))
    }

    func testTooManyRequestsHonoursRetryAfterAsAnHTTPDate() async throws {
        let start = Date()
        let date = HTTPDateFormatting.imfFixdate(start.addingTimeInterval(3))
        sf.failNext(with: .tooManyRequests(retryAfter: date))
        let outcome = try await deliverOnce()
        assertRetry(outcome, notBeforeAtLeast: 2, after: start)
        XCTAssertEqual(outcome.httpStatus, 429)
    }

    func testServiceUnavailableIsRetriedAndRetryAfterIsCappedAtAnHour() async throws {
        sf.failNext(with: .serviceUnavailable(retryAfter: "86400"))
        let start = Date()
        let outcome = try await deliverOnce()
        guard case .retry(let notBefore?) = outcome.kind else { return XCTFail("expected a retry, got \(outcome)") }
        XCTAssertEqual(notBefore.timeIntervalSince(start), 3600, accuracy: 5)
        XCTAssertEqual(outcome.error?.message, "PATCH Opportunity/006Dn00000AbCdEIAV: 503 SERVER_UNAVAILABLE: Server temporarily unavailable")
    }

    func testOtherClientErrorsArePermanentAndServerErrorsRetry() async throws {
        sf.failNext(with: .response(status: 409, headers: [("Content-Type", "application/json")],
                                    body: #"[{"message":"unable to obtain exclusive access to this record","errorCode":"UNABLE_TO_LOCK_ROW","fields":[]}]"#))
        sf.failNext(with: .response(status: 500, headers: [], body: "<html>upstream error</html>"))
        let connector = try connector()
        let event = CRMFixtures.delivery(CRMFixtures.event(status: "executed", sequence: 3))
        let conflict = await connector.deliver(event)
        XCTAssertEqual(conflict.kind, .permanent)
        XCTAssertEqual(conflict.error?.message,
                       "PATCH Opportunity/006Dn00000AbCdEIAV: 409 UNABLE_TO_LOCK_ROW: unable to obtain exclusive access to this record")
        let crash = await connector.deliver(event)
        XCTAssertEqual(crash.kind, .retry(notBefore: nil))
        XCTAssertEqual(crash.error?.message, "PATCH Opportunity/006Dn00000AbCdEIAV: 500 no Salesforce error body")
        XCTAssertEqual(crash.responseExcerpt, "<html>upstream error</html>")
        assertSuccess(await connector.deliver(event), status: 204)
    }

    func testNetworkErrorIsRetried() async throws {
        let connector = try connector()
        sf.stop()
        let outcome = await connector.deliver(CRMFixtures.delivery(CRMFixtures.event(status: "sent", sequence: 1)))
        XCTAssertEqual(outcome.kind, .retry(notBefore: nil))
        XCTAssertEqual(outcome.error?.code, "connect_failed")
        XCTAssertNil(outcome.httpStatus)
    }

    func testSecretsAndTokensAreRedactedFromExcerptsAndMessages() async throws {
        let connector = try connector()
        // Prime a token, then have the org echo the credentials back in an error.
        assertSuccess(await connector.deliver(CRMFixtures.delivery(CRMFixtures.event(status: "sent", sequence: 1))), status: 204)
        let token = String(try XCTUnwrap(sf.requests.matching(method: "PATCH").first?.header("Authorization")).dropFirst("Bearer ".count))
        let secret = sf.credentials.clientSecret
        let body = #"[{"message":"rejected \#(secret) with session \#(token)","errorCode":"INVALID_AUTH_HEADER"}]"#
        sf.failNext(with: .response(status: 400, headers: [("Content-Type", "application/json")], body: body))
        let outcome = await connector.deliver(CRMFixtures.delivery(CRMFixtures.event(status: "signed", sequence: 2)))
        XCTAssertEqual(outcome.kind, .permanent)
        let texts = [outcome.error?.message ?? "", outcome.responseExcerpt ?? ""]
        for text in texts {
            XCTAssertFalse(text.contains(secret), text)
            XCTAssertFalse(text.contains(token), text)
            XCTAssertTrue(text.contains("rejected [redacted] with session [redacted]"), text)
        }
    }

    func testExcerptIsCutAtTwoKiB() async throws {
        let long = #"[{"message":""# + String(repeating: "x", count: 5000) + #"","errorCode":"STRING_TOO_LONG"}]"#
        sf.failNext(with: .response(status: 400, headers: [("Content-Type", "application/json")], body: long))
        let outcome = try await deliverOnce()
        XCTAssertEqual(outcome.responseExcerpt?.utf8.count, 2048)
    }
}

/// Formats an IMF-fixdate for a `Retry-After` header in tests.
enum HTTPDateFormatting {
    static func imfFixdate(_ date: Date) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "GMT")
        f.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        // Round up so the header never names a time before the intended one.
        return f.string(from: date.addingTimeInterval(1))
    }
}
