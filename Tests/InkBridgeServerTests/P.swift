import XCTest
final class InkBridgeServerTestsPlaceholder: XCTestCase { func testNothing() {} }
