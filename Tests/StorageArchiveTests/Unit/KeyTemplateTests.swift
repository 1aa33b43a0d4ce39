import InkBridgeCore
@testable import StorageArchive
import XCTest

final class KeyTemplateTests: XCTestCase {
    func parse(_ text: String) -> KeyTemplate? { try? KeyTemplate.parse(text).get() }

    func parseError(_ text: String) -> String? {
        if case .failure(let e) = KeyTemplate.parse(text) { return e.message }
        return nil
    }

    func testDefaultTemplateRendersTenantCustomerYearContractAndFilename() throws {
        let template = try XCTUnwrap(parse(KeyTemplate.defaultText))
        let event = Fixtures.event(document: ["filename": "executed.pdf"])
        XCTAssertEqual(try template.render(tenant: "acme", event: event).get(), "acme/cust_9/2026/ctr_42/executed.pdf")
    }

    func testDatePlaceholdersUseTheUTCDateOfOccurredAt() throws {
        let template = try XCTUnwrap(parse("{yyyy}/{mm}/{dd}/{id}"))
        // 23:30 at -02:00 is already the next day (and month) in UTC.
        let event = Fixtures.event(id: "evt_1", occurredAt: "2026-01-31T23:30:00-02:00")
        XCTAssertEqual(try template.render(tenant: "t", event: event).get(), "2026/02/01/evt_1")
    }

    func testFilenameDefaultsToDocumentPDF() throws {
        let template = try XCTUnwrap(parse("{contract.id}/{filename}"))
        XCTAssertEqual(try template.render(tenant: "t", event: Fixtures.event()).get(), "ctr_42/document.pdf")
    }

    func testAMissingEventValueIsAnErrorNamingThePath() throws {
        let template = try XCTUnwrap(parse(KeyTemplate.defaultText))
        guard case .failure(let e) = template.render(tenant: "acme", event: Fixtures.event(customer: nil)) else {
            return XCTFail("rendered without a customer id")
        }
        XCTAssertTrue(e.message.contains("contract.customer.id"), e.message)
    }

    func testValuesThatWouldEscapeTheRootAreRefusedAtRender() throws {
        let template = try XCTUnwrap(parse("{tenant}/{filename}"))
        for bad in ["../../etc/passwd", "a/../../b", "..", ".", "a//b", "x\u{0}y", "a\\b", "tab\there", "dir/"] {
            let event = Fixtures.event(document: ["filename": .string(bad)])
            if case .success(let key) = template.render(tenant: "acme", event: event) {
                XCTFail("\(JSON.quoted(bad)) rendered as \(key)")
            }
        }
        // A template that starts with a value: an absolute value would make the key absolute.
        let leading = try XCTUnwrap(parse("{filename}"))
        XCTAssertNil(try? leading.render(tenant: "t", event: Fixtures.event(document: ["filename": "/etc/passwd"])).get())
        // Subdirectories inside the root are fine.
        XCTAssertEqual(try template.render(tenant: "acme", event: Fixtures.event(document: ["filename": "2026/q4.pdf"])).get(), "acme/2026/q4.pdf")
    }

    func testSyntaxErrorsAreReportedAtLoad() {
        XCTAssertNotNil(parseError("{tenant/x"))
        XCTAssertTrue(parseError("tenant}/x")?.contains("'}'") ?? false)
        XCTAssertTrue(parseError("{unknown thing}/x")?.contains("unknown placeholder") ?? false)
        XCTAssertNotNil(parseError("{}/x"))
        XCTAssertNotNil(parseError("{a{b}}"))
        XCTAssertNotNil(parseError(""))
        XCTAssertNotNil(parseError("{contract..id}"))
    }

    func testLiteralPathsThatEscapeTheRootAreReportedAtLoad() {
        XCTAssertTrue(parseError("/abs/{contract.id}")?.contains("relative") ?? false)
        XCTAssertTrue(parseError("../{contract.id}")?.contains("'..'") ?? false)
        XCTAssertTrue(parseError("a//{contract.id}")?.contains("empty") ?? false)
        XCTAssertTrue(parseError("{contract.id}/")?.contains("empty") ?? false)
        XCTAssertNil(parseError("archive/{tenant}/{contract.id}.pdf"))
    }

    func testArchiveKeyLimits() {
        XCTAssertNil(ArchiveKey.problem(in: "a/b.c/d"))
        XCTAssertNotNil(ArchiveKey.problem(in: String(repeating: "a", count: 256)))
        XCTAssertNotNil(ArchiveKey.problem(in: Array(repeating: "abcdefgh", count: 130).joined(separator: "/")))
    }
}
