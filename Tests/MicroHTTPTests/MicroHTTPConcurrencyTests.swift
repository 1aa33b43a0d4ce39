import Foundation
import InkBridgeSandbox
import Synchronization
import XCTest
@testable import MicroHTTP

/// Many connections at once, slow handlers next to fast ones, and stopping under load.
final class MicroHTTPConcurrencyTests: XCTestCase {
    /// Runs `body(i)` on `count` threads at once (blocking sockets stay off Swift's pool).
    private func onThreads(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) {
        let group = DispatchGroup()
        for i in 0..<count {
            group.enter()
            Thread {
                body(i)
                group.leave()
            }.start()
        }
        XCTAssertEqual(group.wait(timeout: .now() + 60), .success, "all client threads finished")
    }

    func testSixtyFourKeepAliveConnectionsAllAnswered() throws {
        let handled = Atomic<Int>(0)
        let server = try MicroHTTPServer { request in
            handled.add(1, ordering: .relaxed)
            return HTTPServerResponse(status: 200, body: request.body)
        }
        defer { server.stop() }
        let port = server.port
        let connections = 64, perConnection = 100
        let correct = Atomic<Int>(0)
        onThreads(connections) { c in
            guard let client = try? RawHTTPClient(port: port) else { return }
            for r in 0..<perConnection {
                let body = "c\(c)-r\(r)"
                guard client.send("POST /ingest HTTP/1.1\r\nHost: x\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)"),
                      let answer = try? client.readAnswer() else { return }
                if answer.status == 200, String(decoding: answer.body, as: UTF8.self) == body {
                    correct.add(1, ordering: .relaxed)
                }
            }
        }
        XCTAssertEqual(correct.load(ordering: .relaxed), connections * perConnection,
                       "every request on every kept-alive connection got its own answer")
        XCTAssertEqual(handled.load(ordering: .relaxed), connections * perConnection)
    }

    /// Handlers that wait for another thread, as the ingest route waits for the store's commit,
    /// on 128 kept-alive connections: each connection is resumed from that thread and must be
    /// read again. (The stall that moved the server from epoll to poll mode, every connection
    /// left with an unread request, showed under the ingest benchmark's load with 128 clients,
    /// not in this test: `MicroHTTPServer` explains.)
    func testConnectionsResumedFromAnotherThreadKeepBeingRead() throws {
        let commits = DispatchQueue(label: "test.commit")
        let server = try MicroHTTPServer { request in
            await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in commits.async { done.resume() } }
            return HTTPServerResponse(status: 202, body: request.body)
        }
        defer { server.stop() }
        let port = server.port
        let connections = 128, perConnection = 150
        let correct = Atomic<Int>(0)
        let failures = Mutex<[String]>([])
        onThreads(connections) { c in
            do {
                let client = try RawHTTPClient(port: port, readTimeout: 5)
                for r in 0..<perConnection {
                    // About the size of an ingested event, as the ingest benchmark sends.
                    let body = "c\(c)-r\(r)-" + String(repeating: "x", count: 1500)
                    guard client.send("POST /v1/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)") else {
                        throw CocoaError(.fileWriteUnknown)
                    }
                    let answer = try client.readAnswer()
                    if answer.status == 202, String(decoding: answer.body, as: UTF8.self) == body { correct.add(1, ordering: .relaxed) }
                }
            } catch {
                failures.withLock { $0.append("connection \(c): \(error)") }
            }
        }
        XCTAssertEqual(failures.withLock { $0.prefix(3) }, [], "no connection stalled (5 s read timeout)")
        XCTAssertEqual(correct.load(ordering: .relaxed), connections * perConnection)
    }

    func testSlowHandlerDoesNotBlockOthersEvenWithOneThread() throws {
        let gate = Gate()
        let slowArrived = DispatchSemaphore(value: 0)
        var limits = HTTPServerLimits()
        limits.threads = 1
        let server = try MicroHTTPServer(limits: limits) { request in
            if request.path == "/slow" {
                slowArrived.signal()
                await gate.wait()
                return .text(200, "slow done")
            }
            return .text(200, "fast")
        }
        defer { server.stop() }

        let slow = BackgroundRequest(port: server.port, "GET /slow HTTP/1.1\r\nHost: x\r\n\r\n")
        XCTAssertEqual(slowArrived.wait(timeout: .now() + 10), .success)

        // The only MHD thread is free: the slow request's connection is suspended, not waited on.
        try assertAnswered(port: server.port, "GET /fast HTTP/1.1\r\nHost: x\r\n\r\n", with: "fast", times: 5)
        XCTAssertNil(slow.answer, "the slow request is still waiting")

        gate.open()
        XCTAssertEqual(slow.done.wait(timeout: .now() + 10), .success)
        XCTAssertEqual(slow.answer, "slow done", "the resumed connection gets its answer")
    }

    /// A handler that keeps its thread busy (here: blocked, as parsing a large batch would keep it)
    /// must not run on the only MHD thread: small requests on other connections are still answered.
    func testLargeBodyHandlerStartsOffTheServerThread() throws {
        let gate = DispatchSemaphore(value: 0)
        let bigArrived = DispatchSemaphore(value: 0)
        var limits = HTTPServerLimits()
        limits.threads = 1
        limits.inlineHandlerBodyBytes = 1024
        let server = try MicroHTTPServer(limits: limits) { request in
            if request.body.count > 1024 {
                bigArrived.signal()
                // Blocks whichever thread runs it, as CPU-bound parsing would.
                gate.wait()
                return .text(200, "big done")
            }
            return .text(200, "small")
        }
        defer { server.stop() }
        let big = BackgroundRequest(port: server.port, "POST /big HTTP/1.1\r\nHost: x\r\nContent-Length: 4096\r\n\r\n"
                                    + String(repeating: "x", count: 4096))
        XCTAssertEqual(bigArrived.wait(timeout: .now() + 10), .success)

        // Had the big handler started on the MHD thread, these reads would time out.
        try assertAnswered(port: server.port, "POST /small HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi", with: "small", times: 3)
        XCTAssertNil(big.answer, "the big request is still being handled")
        gate.signal()
        XCTAssertEqual(big.done.wait(timeout: .now() + 10), .success)
        XCTAssertEqual(big.answer, "big done")
    }

    /// Sends `request` on a new connection `times` times, each answered with `body` within 5 s.
    private func assertAnswered(port: UInt16, _ request: String, with body: String, times: Int,
                                file: StaticString = #filePath, line: UInt = #line) throws {
        for _ in 0..<times {
            let client = try RawHTTPClient(port: port, readTimeout: 5)
            client.send(request)
            XCTAssertEqual(String(decoding: try client.readAnswer().body, as: UTF8.self), body, file: file, line: line)
        }
    }

    func testStopLetsRunningHandlersFinishAndRefusesNewRequests() throws {
        let gate = Gate()
        let arrived = DispatchSemaphore(value: 0)
        let server = try MicroHTTPServer { request in
            if request.path == "/running" {
                arrived.signal()
                await gate.wait()
            }
            return .text(200, "done \(request.path)")
        }
        let port = server.port
        // A kept-alive connection opened before stop(), used again once stop() has begun.
        let idle = try RawHTTPClient(port: port)
        idle.send("GET /warmup HTTP/1.1\r\nHost: x\r\n\r\n")
        XCTAssertEqual(try idle.readAnswer().status, 200)

        let running = try RawHTTPClient(port: port)
        running.send("GET /running HTTP/1.1\r\nHost: x\r\n\r\n")
        XCTAssertEqual(arrived.wait(timeout: .now() + 10), .success)

        let stopped = DispatchSemaphore(value: 0)
        Thread { server.stop(); stopped.signal() }.start()

        // While stop() waits for /running, a new request is answered 503 and closed.
        XCTAssertTrue(waitUntil(timeout: 5) { server.core.inFlight.withLock { $0.stopping } })
        idle.send("GET /late HTTP/1.1\r\nHost: x\r\n\r\n")
        let late = try idle.readAnswer()
        XCTAssertEqual(late.status, 503)
        XCTAssertEqual(stopped.wait(timeout: .now() + 0.2), .timedOut, "stop() waits for the running handler")

        gate.open()
        let answer = try running.readAnswer()
        XCTAssertEqual(answer.status, 200)
        XCTAssertEqual(String(decoding: answer.body, as: UTF8.self), "done /running")
        XCTAssertEqual(stopped.wait(timeout: .now() + 10), .success)
        server.stop()  // idempotent
        XCTAssertNil(try? RawHTTPClient(port: port), "nothing listens after stop()")
    }

    func testStopGivesUpOnAHandlerThatNeverFinishes() throws {
        let gate = Gate()
        let arrived = DispatchSemaphore(value: 0)
        var limits = HTTPServerLimits()
        limits.stopGracePeriod = 0.3
        let server = try MicroHTTPServer(limits: limits) { _ in
            arrived.signal()
            await gate.wait()
            return .text(200, "too late")
        }
        defer { gate.open() }
        let client = try RawHTTPClient(port: server.port)
        client.send("GET /stuck HTTP/1.1\r\nHost: x\r\n\r\n")
        XCTAssertEqual(arrived.wait(timeout: .now() + 10), .success)

        let started = Date()
        server.stop()
        XCTAssertLessThan(Date().timeIntervalSince(started), 3, "stop() is bounded by the grace period")
        // The stuck request was answered 503 and sent before the daemon went away.
        XCTAssertEqual(try client.readAnswer().status, 503)
        XCTAssertTrue(client.waitForClose())
    }

    func testDeinitStopsTheServer() throws {
        var server: MicroHTTPServer? = try MicroHTTPServer { _ in .text(200, "x") }
        let port = try XCTUnwrap(server?.port)
        XCTAssertNotNil(try? RawHTTPClient(port: port))
        server = nil
        XCTAssertNil(try? RawHTTPClient(port: port), "releasing the server closes its socket")
    }
}

/// One request sent from a thread of its own on its own connection, whose answer comes later.
private final class BackgroundRequest: Sendable {
    private let body = Mutex<String?>(nil)
    /// Signalled once the answer was read (or the connection failed).
    let done = DispatchSemaphore(value: 0)

    init(port: UInt16, _ request: String) {
        Thread { [self] in
            if let client = try? RawHTTPClient(port: port) {
                client.send(request)
                let answer = try? client.readAnswer()
                body.withLock { $0 = answer.map { String(decoding: $0.body, as: UTF8.self) } }
            }
            done.signal()
        }.start()
    }

    /// The answer's body; nil until it came.
    var answer: String? { body.withLock { $0 } }
}
