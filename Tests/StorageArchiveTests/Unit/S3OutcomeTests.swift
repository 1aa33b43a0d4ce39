import Foundation
import InkBridgeCore
@testable import StorageArchive
import XCTest

final class S3OutcomeTests: XCTestCase {
    let now = Date(timeIntervalSince1970: 1_800_000_000)
    let redact = SecretRedactor(["AKIAEXAMPLEKEYID", "topsecretvalue"])

    func response(_ status: Int, _ body: String, headers: [(name: String, value: String)] = []) -> HTTPResponse {
        HTTPResponse(status: status, headers: headers, body: Array(body.utf8), duration: 0.01)
    }

    func testSignatureMismatchIsPermanentWithS3sCodeAndNoKeyInTheRecord() {
        let body = "<Error><Code>SignatureDoesNotMatch</Code><Message>bad sig</Message><AWSAccessKeyId>AKIAEXAMPLEKEYID</AWSAccessKeyId><StringToSign>AWS4 AKIAEXAMPLEKEYID/2026</StringToSign></Error>"
        let outcome = S3Outcome.failure(response(403, body), operation: "PUT s3://b/k", now: now, redact: redact)
        XCTAssertEqual(outcome.kind, .permanent)
        XCTAssertEqual(outcome.error?.code, "SignatureDoesNotMatch")
        XCTAssertEqual(outcome.httpStatus, 403)
        XCTAssertFalse(outcome.responseExcerpt?.contains("AKIAEXAMPLEKEYID") ?? true)
        XCTAssertTrue(outcome.responseExcerpt?.contains("[redacted]") ?? false)
    }

    func testSlowDownRetriesAfterRetryAfter() {
        let outcome = S3Outcome.failure(response(503, "<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>",
                                                 headers: [("Retry-After", "7")]),
                                        operation: "PUT s3://b/k", now: now, redact: redact)
        XCTAssertEqual(outcome.kind, .retry(notBefore: now.addingTimeInterval(7)))
        XCTAssertEqual(outcome.error?.code, "SlowDown")
        XCTAssertTrue(outcome.error?.message.contains("Please reduce your request rate.") ?? false)
    }

    func testConditionalConflictRetriesDespite409() {
        let outcome = S3Outcome.failure(response(409, "<Error><Code>ConditionalRequestConflict</Code></Error>"), operation: "PUT", now: now, redact: redact)
        XCTAssertEqual(outcome.kind, .retry(notBefore: nil))
    }

    func testHeadWithoutBodyFallsBackToHTTPStatus() {
        let forbidden = S3Outcome.failure(response(403, ""), operation: "HEAD", now: now, redact: redact)
        XCTAssertEqual(forbidden.kind, .permanent)
        XCTAssertEqual(forbidden.error?.code, "http_status")
        let unavailable = S3Outcome.failure(response(500, ""), operation: "HEAD", now: now, redact: redact)
        XCTAssertEqual(unavailable.kind, .retry(notBefore: nil))
    }

    func testTransportErrors() {
        XCTAssertEqual(OutcomeRules.outcome(for: HTTPTransportError(.blockedAddress, "127.0.0.1"), doing: "GET", redact: redact).kind, .permanent)
        XCTAssertEqual(OutcomeRules.outcome(for: HTTPTransportError(.timeout, "30 s"), doing: "GET", redact: redact).kind, .retry(notBefore: nil))
        let tooLarge = OutcomeRules.outcome(for: HTTPTransportError(.responseTooLarge, "cap"), doing: "GET", redact: redact)
        XCTAssertEqual(tooLarge.error?.code, "document_too_large")
    }

    func testDisplayURLDropsQueryAndCredentials() {
        XCTAssertEqual(OutcomeRules.displayURL("https://u:p@files.example.com/a/b.pdf?token=abc#x"), "https://files.example.com/a/b.pdf")
    }
}
