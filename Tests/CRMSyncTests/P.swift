import XCTest
final class CRMSyncTestsPlaceholder: XCTestCase { func testNothing() {} }
