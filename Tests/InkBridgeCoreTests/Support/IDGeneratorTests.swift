import Dispatch
import InkBridgeCore
import Synchronization
import XCTest

final class IDGeneratorTests: XCTestCase {
    func testIdsAreWellFormedUniqueAndOrderedByTime() {
        let crockford = Set("0123456789ABCDEFGHJKMNPQRSTVWXYZ")
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        var seen = Set<String>()
        for _ in 0..<20_000 {
            let id = IDGenerator.make("dlv", now: now)
            XCTAssertTrue(id.hasPrefix("dlv_"), id)
            XCTAssertEqual(id.count, 4 + 26, id)
            XCTAssertTrue(id.dropFirst(4).allSatisfy { crockford.contains($0) }, id)
            seen.insert(id)
        }
        XCTAssertEqual(seen.count, 20_000, "80 random bits per id: no repeats")
        // Random bits differ in every position over many ids (none stuck at a fixed value).
        let randomPart = seen.map { Array($0.dropFirst(4 + 10)) }
        for position in 0..<16 {
            XCTAssertGreaterThan(Set(randomPart.map { $0[position] }).count, 1, "random character \(position) never changes")
        }
        let earlier = IDGenerator.make("dlv", now: now)
        let later = IDGenerator.make("dlv", now: now.addingTimeInterval(0.002))
        XCTAssertLessThan(earlier, later, "ids sort by their millisecond")
    }

    func testIdsMadeOnManyThreadsAtTheSameMillisecondNeverRepeat() {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let made = Mutex<[String]>([])
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            var mine: [String] = []
            for _ in 0..<5_000 { mine.append(IDGenerator.make("dlv", now: now)) }
            made.withLock { $0.append(contentsOf: mine) }
        }
        let all = made.withLock { $0 }
        XCTAssertEqual(all.count, 40_000)
        XCTAssertEqual(Set(all).count, 40_000, "ids made concurrently never repeat")
    }
}
