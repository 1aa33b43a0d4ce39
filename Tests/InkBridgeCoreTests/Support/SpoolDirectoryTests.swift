import Foundation
@testable import InkBridgeCore
import XCTest

final class SpoolDirectoryTests: XCTestCase {
    var base = ""

    override func setUpWithError() throws {
        base = NSTemporaryDirectory() + "inkbridge-spooltest-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
    }

    override func tearDown() { try? FileManager.default.removeItem(atPath: base) }

    private func make(_ name: String, file: String? = nil) throws {
        let dir = base + "/" + name
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        if let file { XCTAssertTrue(FileManager.default.createFile(atPath: dir + "/" + file, contents: Data(count: 1024))) }
    }

    private var entries: Set<String> { Set((try? FileManager.default.contentsOfDirectory(atPath: base)) ?? []) }

    func testClaimRemovesTheSpoolOfADeadProcessAndKeepsEverythingElse() throws {
        // A pid above Linux's largest pid_max: no process can have it.
        try make("inkbridge-spool-99999999", file: "inkbridge-document-partial")
        try make("inkbridge-spool-1", file: "inkbridge-document-live")   // init runs
        try make("inkbridge-spool-notapid")
        try make("someone-else-1234", file: "data")
        let spool = try SpoolDirectory.claim(under: base)
        XCTAssertEqual(spool.path, base + "/inkbridge-spool-\(getpid())")
        XCTAssertEqual(entries, ["inkbridge-spool-1", "inkbridge-spool-notapid", "someone-else-1234", "inkbridge-spool-\(getpid())"])
        XCTAssertTrue(FileManager.default.fileExists(atPath: base + "/inkbridge-spool-1/inkbridge-document-live"))
        spool.remove()
        XCTAssertFalse(entries.contains("inkbridge-spool-\(getpid())"))
    }

    func testClaimEmptiesADirectoryLeftUnderItsOwnPid() throws {
        // A dead process that had this pid left its spool behind.
        try make("inkbridge-spool-\(getpid())", file: "inkbridge-document-old")
        let spool = try SpoolDirectory.claim(under: base)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: spool.path), [])
        let attributes = try FileManager.default.attributesOfItem(atPath: spool.path)
        XCTAssertEqual((attributes[.posixPermissions] as? NSNumber)?.intValue, 0o700, "documents are readable by the hub's user only")
    }
}
