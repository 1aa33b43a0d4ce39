import Foundation
import InkBridgeCore
import InkBridgeSandbox
import XCTest

/// A fresh temporary directory, removed by the test's teardown.
func makeTemporaryDirectory(_ test: XCTestCase, _ label: String) throws -> String {
    let path = NSTemporaryDirectory() + "inkbridge-\(label)-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    test.addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
    return path
}

func contents(of directory: String) -> [String] {
    (try? FileManager.default.contentsOfDirectory(atPath: directory))?.sorted() ?? []
}

/// Deterministic pseudo-random bytes (a document that is not all zeros).
func documentBytes(_ count: Int, seed: UInt64) -> [UInt8] {
    var state = seed &* 6364136223846793005 &+ 1442695040888963407
    var out = [UInt8](repeating: 0, count: count)
    out.withUnsafeMutableBytes { raw in
        let words = raw.bindMemory(to: UInt64.self)
        for i in 0..<words.count {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            words[i] = state ^ (state >> 29)
        }
    }
    for i in (count / 8 * 8)..<count { out[i] = UInt8(truncatingIfNeeded: i) }
    out.replaceSubrange(0..<min(8, count), with: Array("%PDF-1.7".utf8).prefix(min(8, count)))
    return out
}
