import XCTest
final class MicroHTTPTestsPlaceholder: XCTestCase { func testNothing() {} }
