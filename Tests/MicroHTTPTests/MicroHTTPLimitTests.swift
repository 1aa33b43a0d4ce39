import Foundation
import InkBridgeSandbox
import XCTest
@testable import MicroHTTP

/// Over a limit the client gets a clean 413/431 or a closed connection; the server neither
/// crashes nor keeps anything, and answers the next request.
final class MicroHTTPLimitTests: XCTestCase {
    private func server(_ configure: (inout HTTPServerLimits) -> Void, log: CapturedRequestLog) throws -> MicroHTTPServer {
        var limits = HTTPServerLimits()
        configure(&limits)
        return try MicroHTTPServer(limits: limits) { request in
            log.append(request)
            return .text(200, "ok \(request.body.count)")
        }
    }

    /// The server still answers, and every request's state was released.
    private func assertHealthy(_ server: MicroHTTPServer, file: StaticString = #filePath, line: UInt = #line) throws {
        let client = try RawHTTPClient(port: server.port)
        client.send("GET /after HTTP/1.1\r\nHost: x\r\n\r\n")
        XCTAssertEqual(try client.readAnswer().status, 200, "the server answers afterwards", file: file, line: line)
        XCTAssertTrue(waitUntil(timeout: 5) { server.core.liveStates.load(ordering: .relaxed) <= 1 },
                      "request states are released on every path", file: file, line: line)
    }

    func testAnnouncedOversizedBodyIsRefusedBeforeItIsSent() throws {
        let log = CapturedRequestLog()
        let server = try server({ $0.maxBodyBytes = 1000 }, log: log)
        defer { server.stop() }
        let client = try RawHTTPClient(port: server.port)
        // Expect: 100-continue lets us see that the server refuses without asking for the body.
        client.send("POST /big HTTP/1.1\r\nHost: x\r\nContent-Length: 1001\r\nExpect: 100-continue\r\n\r\n")
        let answer = try client.readAnswer()
        XCTAssertEqual(answer.status, 413)
        XCTAssertEqual(answer.header("Connection")?.lowercased(), "close")
        XCTAssertTrue(client.waitForClose(), "the unread body is not waited for")
        XCTAssertTrue(log.all.isEmpty, "the handler never sees a refused request")
        try assertHealthy(server)
    }

    func testAnnouncedLengthIsFoundInAnyCaseAndParsedStrictly() throws {
        let server = try server({ $0.maxBodyBytes = 1000 }, log: CapturedRequestLog())
        defer { server.stop() }
        // The header name in any case (libmicrohttpd itself answers 400 to a malformed value).
        for header in ["content-LENGTH: 1001", "CONTENT-length:  5000"] {
            let client = try RawHTTPClient(port: server.port)
            client.send("POST /big HTTP/1.1\r\nHost: x\r\n\(header)\r\nExpect: 100-continue\r\n\r\n")
            XCTAssertEqual(try client.readAnswer().status, 413, header)
        }
        XCTAssertEqual(ServerCore.contentLength(" 1001\t"), 1001)
        XCTAssertEqual(ServerCore.contentLength("99999999999999999999999999"), Int.max)
        XCTAssertNil(ServerCore.contentLength("12a"))
        XCTAssertNil(ServerCore.contentLength("  "))
        try assertHealthy(server)
    }

    func testBodyExactlyAtTheLimitIsAccepted() throws {
        let log = CapturedRequestLog()
        let server = try server({ $0.maxBodyBytes = 1000 }, log: log)
        defer { server.stop() }
        let client = try RawHTTPClient(port: server.port)
        client.send(Array("POST /edge HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n".utf8) + patternBytes(1000))
        let answer = try client.readAnswer()
        XCTAssertEqual(answer.status, 200)
        XCTAssertEqual(String(decoding: answer.body, as: UTF8.self), "ok 1000")
    }

    private func chunk(_ count: Int) -> [UInt8] {
        Array("\(String(count, radix: 16))\r\n".utf8) + patternBytes(count) + Array("\r\n".utf8)
    }

    func testChunkedBodyPassingTheLimitIsAnswered413() throws {
        let log = CapturedRequestLog()
        let server = try server({ $0.maxBodyBytes = 1000 }, log: log)
        defer { server.stop() }
        let client = try RawHTTPClient(port: server.port)
        // No Content-Length to refuse early: the cap is found while the chunks are read.
        // libmicrohttpd 0.9.75 cannot answer in the middle of a body, so the server drops
        // the rest (up to another cap's worth) and answers 413 once the body ends.
        client.send("POST /chunks HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n")
        client.send(chunk(600) + chunk(600) + Array("0\r\n\r\n".utf8))
        let answer = try client.readAnswer()
        XCTAssertEqual(answer.status, 413)
        XCTAssertTrue(client.waitForClose())
        XCTAssertTrue(log.all.isEmpty, "the handler never sees a refused request")
        try assertHealthy(server)
    }

    func testEndlessChunkedBodyIsCutOff() throws {
        let log = CapturedRequestLog()
        let server = try server({ $0.maxBodyBytes = 1000 }, log: log)
        defer { server.stop() }
        let client = try RawHTTPClient(port: server.port)
        client.send("POST /endless HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n")
        // Three caps' worth and no end: the server stops reading after two and closes.
        for _ in 0..<5 { client.send(chunk(600)) }
        XCTAssertTrue(client.waitForClose(), "the server does not read an oversized body without end")
        XCTAssertTrue(log.all.isEmpty)
        try assertHealthy(server)
    }

    func testOversizedHeadersGetA431AndNoCrash() throws {
        let log = CapturedRequestLog()
        let server = try server({ $0.connectionMemory = 16 << 10 }, log: log)
        defer { server.stop() }
        let client = try RawHTTPClient(port: server.port)
        let huge = String(repeating: "a", count: 64 << 10)
        client.send("GET /h HTTP/1.1\r\nHost: x\r\nX-Huge: \(huge)\r\n\r\n")
        // libmicrohttpd 0.9.75 answers 431 when the headers outgrow the connection's memory
        // pool, then closes the connection.
        let answer = try client.readAnswer()
        XCTAssertEqual(answer.status, 431)
        XCTAssertTrue(client.waitForClose())
        XCTAssertTrue(log.all.isEmpty)
        try assertHealthy(server)
    }

    func testSlowSenderIsCutOffAfterTheTimeout() throws {
        let log = CapturedRequestLog()
        let server = try server({ $0.connectionTimeout = 1 }, log: log)
        defer { server.stop() }
        let client = try RawHTTPClient(port: server.port, readTimeout: 10)
        let started = Date()
        client.send("POST /slow HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n0123456789")
        // The other 90 bytes never come: MHD closes the connection once it was idle 1 s.
        XCTAssertTrue(client.waitForClose(), "a stalled upload is cut off")
        let waited = Date().timeIntervalSince(started)
        XCTAssertGreaterThanOrEqual(waited, 0.9)
        XCTAssertLessThan(waited, 5, "cut off near the 1 s timeout, not at the client's 10 s")
        XCTAssertTrue(log.all.isEmpty)
        try assertHealthy(server)
    }

    func testConnectionsBeyondTheCapWaitUntilOneCloses() throws {
        let log = CapturedRequestLog()
        let server = try server({ $0.maxConnections = 2; $0.connectionTimeout = 60 }, log: log)
        defer { server.stop() }
        var first: RawHTTPClient? = try RawHTTPClient(port: server.port)
        let second = try RawHTTPClient(port: server.port)
        for client in [first!, second] {
            client.send("GET /held HTTP/1.1\r\nHost: x\r\n\r\n")
            XCTAssertEqual(try client.readAnswer().status, 200)
        }
        // Both keep-alive connections stay open, so MHD stops accepting: a third one waits in
        // the kernel's backlog, unanswered...
        let third = try RawHTTPClient(port: server.port, readTimeout: 1)
        third.send("GET /third HTTP/1.1\r\nHost: x\r\n\r\n")
        XCTAssertThrowsError(try third.readAnswer(), "no answer while two connections are open")
        XCTAssertEqual(log.all.map(\.path), ["/held", "/held"])
        // ...until one of the two closes.
        first = nil
        XCTAssertTrue(waitUntil(timeout: 5) { (try? third.readAnswer())?.status == 200 })
        XCTAssertEqual(log.all.map(\.path), ["/held", "/held", "/third"])
    }
}
