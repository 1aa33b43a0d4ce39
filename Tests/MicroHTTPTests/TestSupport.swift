import Foundation
import Synchronization
import XCTest

/// A door an async handler waits at until the test opens it (no sleeps).
final class Gate: Sendable {
    private struct State {
        var open = false
        var waiters: [CheckedContinuation<Void, Never>] = []
    }
    /// Protects the open flag and the handlers waiting for it.
    private let state = Mutex(State())

    func wait() async {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let resumeNow = state.withLock { s -> Bool in
                if s.open { return true }
                s.waiters.append(c)
                return false
            }
            if resumeNow { c.resume() }
        }
    }

    func open() {
        let waiters = state.withLock { s -> [CheckedContinuation<Void, Never>] in
            s.open = true
            defer { s.waiters = [] }
            return s.waiters
        }
        for w in waiters { w.resume() }
    }
}

/// Waits (with a deadline) until `condition` holds; re-checks it every few milliseconds.
func waitUntil(timeout: TimeInterval, _ condition: () -> Bool) -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while !condition() {
        if Date() > deadline { return false }
        usleep(2_000)
    }
    return true
}

/// Runs the curl command-line tool; returns its stdout and exit status.
func runCurl(_ arguments: [String], stdin: Data? = nil) throws -> (output: Data, status: Int32) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
    process.arguments = ["--silent", "--show-error", "--max-time", "20"] + arguments
    let out = Pipe()
    process.standardOutput = out
    let input = Pipe()
    if stdin != nil { process.standardInput = input }
    try process.run()
    if let stdin {
        // Written from another thread so a large body cannot deadlock against stdout.
        let writer = input.fileHandleForWriting
        let thread = Thread { writer.write(stdin); try? writer.close() }
        thread.start()
    }
    let data = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (data, process.terminationStatus)
}

/// A deterministic body of `count` bytes that is not all one value.
func patternBytes(_ count: Int) -> [UInt8] {
    var state: UInt32 = 2463534242
    return (0..<count).map { _ in
        state ^= state << 13; state ^= state >> 17; state ^= state << 5
        return UInt8(truncatingIfNeeded: state)
    }
}
