import Foundation
import InkBridgeSandbox
import XCTest

/// `inkbridge serve` runs on mimalloc (README: why): linking the library is not enough by itself,
/// it must come before glibc in the executable's load order to serve `malloc`.
final class ServeAllocatorTests: XCTestCase {
    func testServeAllocatesWithMimalloc() throws {
        let (dir, config) = try ServeProcess.makeDirectory()
        addTeardownBlock { try? FileManager.default.removeItem(atPath: dir) }
        let serve = try ServeProcess(config: config, store: dir + "/hub.db", environment: [:])
        let startLine = serve.stderr.split(separator: "\n").first { $0.contains("listening on") } ?? ""
        XCTAssertTrue(startLine.contains(", allocator mimalloc "), String(startLine))
        XCTAssertFalse(startLine.contains("glibc"), String(startLine))
        serve.signal(SIGTERM)
        XCTAssertEqual(serve.waitForExit(timeout: 30)?.status, 0, serve.stderr)
    }
}
