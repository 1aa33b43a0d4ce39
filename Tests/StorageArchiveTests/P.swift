import XCTest
final class StorageArchiveTestsPlaceholder: XCTestCase { func testNothing() {} }
