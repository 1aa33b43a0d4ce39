import Foundation

// Waiting on a condition with a deadline, for tests and the sandbox: the way to wait for
// what another thread or process does, instead of a fixed sleep. Between checks it pauses
// briefly, 1 ms at first and doubling up to 20 ms, so a quick change is seen at once and
// a long wait costs little.

/// Re-checks `condition` until it holds or `timeout` seconds pass; true if it held.
/// The condition is checked once more at the deadline, so a slow last check still counts.
public func eventually(timeout: Double = 10, _ condition: () async throws -> Bool) async rethrows -> Bool {
    let deadline = ContinuousClock.now + .milliseconds(Int(timeout * 1000))
    var pause = 1
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try? await Task.sleep(for: .milliseconds(pause))
        pause = min(pause * 2, 20)
    }
    return try await condition()
}

/// `eventually` for synchronous code (XCTest methods that are not async, initialisers):
/// blocks the calling thread while it waits.
public func waitUntil(timeout: Double = 10, _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = ContinuousClock.now + .milliseconds(Int(timeout * 1000))
    var pause = 1
    while ContinuousClock.now < deadline {
        if try condition() { return true }
        Thread.sleep(forTimeInterval: Double(pause) / 1000)
        pause = min(pause * 2, 20)
    }
    return try condition()
}
