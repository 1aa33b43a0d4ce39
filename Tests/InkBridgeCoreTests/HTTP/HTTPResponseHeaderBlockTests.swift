@testable import InkBridgeCore
import XCTest

/// A response keeps its header lines as curl received them and splits them only when read.
final class HTTPResponseHeaderBlockTests: XCTestCase {
    private func response(_ block: String) -> HTTPResponse {
        HTTPResponse(status: 200, headerBlock: Array(block.utf8), body: [], duration: 0)
    }

    func testLinesSplitInOrderWithValuesTrimmed() {
        let r = response("Date: Thu, 26 Nov 2026 07:12:05 GMT\r\nSet-Cookie: a=1\r\nX-Blank:  \t padded \t \r\nset-cookie: b=2\r\nX-Empty:\r\n\r\n")
        XCTAssertEqual(r.headers.map(\.name), ["Date", "Set-Cookie", "X-Blank", "set-cookie", "X-Empty"])
        XCTAssertEqual(r.headers.map(\.value), ["Thu, 26 Nov 2026 07:12:05 GMT", "a=1", "padded", "b=2", ""])
        XCTAssertEqual(r.header("SET-COOKIE"), "a=1", "the first of a repeated header, any case")
        XCTAssertEqual(r.header("x-empty"), "")
        XCTAssertNil(r.header("Content-Length"))
    }

    func testFoldedLinesContinueTheValueAndJunkLinesAreIgnored() {
        let r = response("X-Long: first\r\n  second\r\n\tthird\r\nnot a header line\r\nX-Next: n\nX-Bare-LF: yes\n\r\n")
        XCTAssertEqual(r.headers.map(\.name), ["X-Long", "X-Next", "X-Bare-LF"])
        XCTAssertEqual(r.header("X-Long"), "first second third")
        XCTAssertEqual(r.header("X-Next"), "n")
        XCTAssertEqual(r.header("X-Bare-LF"), "yes")
        XCTAssertEqual(response("  folded before any header\r\n\r\n").headers.count, 0)
        XCTAssertEqual(response("").headers.count, 0)
    }

    func testHeadersSetByHandReplaceTheBlock() {
        var r = response("X-Old: 1\r\n\r\n")
        r.headers = [("X-New", "2")]
        XCTAssertEqual(r.headers.map(\.name), ["X-New"])
        XCTAssertNil(r.header("X-Old"))
        r.headers.append(("X-More", "3"))
        XCTAssertEqual(r.header("x-more"), "3")
        XCTAssertEqual(HTTPResponse(status: 204, headers: [("A", "b")], body: [], duration: 0).header("a"), "b")
    }
}
