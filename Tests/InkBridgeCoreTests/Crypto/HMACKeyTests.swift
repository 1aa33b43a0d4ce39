import Dispatch
import InkBridgeCore
import XCTest

final class HMACKeyTests: XCTestCase {
    /// RFC 4231 test cases 2 (short key) and 6 (a key longer than SHA-256's block, hashed first).
    func testRFC4231Vectors() throws {
        let jefe = try XCTUnwrap(HMACKey(Array("Jefe".utf8)))
        XCTAssertEqual(Digest.hex(jefe.mac(Array("what do ya want ".utf8), Array("for nothing?".utf8))),
                       "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        let long = try XCTUnwrap(HMACKey([UInt8](repeating: 0xaa, count: 131)))
        XCTAssertEqual(Digest.hex(long.mac(Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8))),
                       "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54")
    }

    func testEveryUseStartsFromTheKeyAloneAndMatchesTheOneShot() throws {
        let key = Array("whsec-like key of 32 bytes......".utf8)
        let prepared = try XCTUnwrap(HMACKey(key))
        let messages = [Array("a".utf8), [], Array(repeating: 0x42, count: 5000)]
        for message in messages {
            // Twice each: nothing of an earlier message stays in the keyed context.
            for _ in 0..<2 {
                XCTAssertEqual(prepared.mac(message), Digest.hmacSHA256(key: key, message: message))
                XCTAssertEqual(prepared.mac(Array(message.prefix(7)), Array(message.dropFirst(7))), Digest.hmacSHA256(key: key, message: message))
            }
        }
        XCTAssertNil(HMACKey([]), "an empty key is refused rather than silently ignored")
    }

    func testSeveralThreadsSignWithOneKeyAtOnce() throws {
        let key = Array("shared signing key, 24+ bytes..".utf8)
        let prepared = try XCTUnwrap(HMACKey(key))
        let results = ResultBox(count: 64)
        // Every signature is checked, not only each thread's last: contexts are handed from
        // message to message, and one shared by two threads at once would show as a wrong one.
        DispatchQueue.concurrentPerform(iterations: 64) { i in
            for n in 0..<50 {
                let mac = prepared.mac(Array("msg \(i)".utf8), Array(" \(n)".utf8))
                if n == 49 { results.set(i, mac) }
                if mac != Digest.hmacSHA256(key: key, message: Array("msg \(i) \(n)".utf8)) { results.countWrong() }
            }
        }
        XCTAssertEqual(results.values, (0..<64).map { Digest.hmacSHA256(key: key, message: Array("msg \($0) 49".utf8)) })
        XCTAssertEqual(results.wrong, 0)
    }
}

private final class ResultBox: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [[UInt8]]
    init(count: Int) { storage = Array(repeating: [], count: count) }
    private var wrongCount = 0
    func set(_ i: Int, _ value: [UInt8]) { lock.lock(); storage[i] = value; lock.unlock() }
    func countWrong() { lock.lock(); wrongCount += 1; lock.unlock() }
    var wrong: Int { lock.lock(); defer { lock.unlock() }; return wrongCount }
    var values: [[UInt8]] { lock.lock(); defer { lock.unlock() }; return storage }
}
