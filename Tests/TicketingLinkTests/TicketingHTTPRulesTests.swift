import XCTest
import InkBridgeCore
@testable import TicketingLink

/// The pure parts of the HTTP rules: excerpts, API error texts.
final class TicketingHTTPRulesTests: XCTestCase {
    func testExcerptRedactsEverySecretAndStaysWithin2KiB() {
        let r = SecretRedactor(["s3cr3t-token", "dG9rZW4="])
        XCTAssertEqual(r.excerpt(Array("bad token s3cr3t-token / dG9rZW4=".utf8)), "bad token [redacted] / [redacted]")
        let long = String(repeating: "é", count: 3000) + "s3cr3t-token"
        let excerpt = r.excerpt(Array(long.utf8))!
        XCTAssertLessThanOrEqual(excerpt.utf8.count, 2048)
        XCTAssertFalse(excerpt.contains("s3cr3t"))
        XCTAssertNil(r.excerpt([]))
        // Secrets split by the cut never show a prefix: redaction happens first.
        let edge = String(repeating: "a", count: 2040) + "s3cr3t-token"
        XCTAssertFalse(r.excerpt(Array(edge.utf8))!.contains("s3cr"))
    }

    func testAPIErrorTexts() {
        XCTAssertEqual(APIErrorText.zendesk(Array(#"{"error":"RecordNotFound","description":"Not found"}"#.utf8)), "RecordNotFound: Not found")
        XCTAssertEqual(APIErrorText.zendesk(Array("Number of allowed API requests per minute exceeded".utf8)),
                       "Number of allowed API requests per minute exceeded")
        XCTAssertEqual(APIErrorText.jira(Array(#"{"errorMessages":["Issue does not exist"],"errors":{"x":"bad"}}"#.utf8)), "Issue does not exist; x: bad")
        XCTAssertEqual(APIErrorText.jira(Array(#"{"errorMessage":"Organization 9 not found","i18nErrorMessage":{"i18nKey":"k","parameters":[]}}"#.utf8)),
                       "Organization 9 not found")
        XCTAssertEqual(APIErrorText.serviceNow(Array(#"{"error":{"message":"No Record found","detail":"ACL"},"status":"failure"}"#.utf8)),
                       "No Record found: ACL")
        XCTAssertNil(APIErrorText.zendesk(Array("<html>gateway</html>".utf8)))
    }

    func testPathOfURLDropsHostAndQuery() {
        XCTAssertEqual(TicketingClient.path(of: "https://x.zendesk.com/api/v2/organizations/1/tickets.json?page%5Bsize%5D=100"),
                       "/api/v2/organizations/1/tickets.json")
        XCTAssertEqual(TicketingClient.path(of: "http://127.0.0.1:8080"), "/")
    }
}
