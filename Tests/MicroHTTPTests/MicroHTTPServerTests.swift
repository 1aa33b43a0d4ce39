import Foundation
import InkBridgeSandbox
import XCTest
@testable import MicroHTTP

final class MicroHTTPServerTests: XCTestCase {
    /// An echo server: answers 200 with the request body and what it saw in headers.
    private func echoServer(limits: HTTPServerLimits = HTTPServerLimits(), log: CapturedRequestLog) throws -> MicroHTTPServer {
        try MicroHTTPServer(limits: limits) { request in
            log.append(request)
            return HTTPServerResponse(status: 200, headers: [("X-Method", request.method), ("X-Path", request.path),
                                                             ("X-Body-Length", String(request.body.count))],
                                      body: request.body)
        }
    }

    func testGetWithQueryAndHeadersReachesTheHandler() async throws {
        let log = CapturedRequestLog()
        let server = try echoServer(log: log)
        defer { server.stop() }
        XCTAssertNotEqual(server.port, 0, "port 0 must be read back as the bound port")

        let url = "http://127.0.0.1:\(server.port)/v1/items/a%2Fb?status=active&name=hello%20world&status=dead&flag"
        let (_, status) = try await runCurl(["-H", "X-First: one", "-H", "X-Second: two", "-H", "X-First: again", url])
        XCTAssertEqual(status, 0)

        let request = try XCTUnwrap(log.all.first)
        XCTAssertEqual(request.method, "GET")
        XCTAssertEqual(request.path, "/v1/items/a%2Fb", "the path reaches the handler raw, without the query")
        XCTAssertEqual(request.query.map { "\($0.name)=\($0.value)" },
                       ["status=active", "name=hello world", "status=dead", "flag="])
        XCTAssertEqual(request.queryValue("status"), "active")
        let custom = request.headers.filter { $0.name.lowercased().hasPrefix("x-") }.map { "\($0.name): \($0.value)" }
        XCTAssertEqual(custom, ["X-First: one", "X-Second: two", "X-First: again"], "headers keep their order")
        XCTAssertEqual(request.header("x-second"), "two")
        XCTAssertEqual(request.body, [])
    }

    func testResponseStatusHeadersAndBodyReachTheClient() throws {
        let server = try MicroHTTPServer { _ in
            .json(201, Array(#"{"ok":true}"#.utf8), headers: [("Location", "/v1/things/7")])
        }
        defer { server.stop() }
        let client = try RawHTTPClient(port: server.port)
        client.send("POST /v1/things HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n")
        let answer = try client.readAnswer()
        XCTAssertEqual(answer.status, 201)
        XCTAssertEqual(answer.header("Location"), "/v1/things/7")
        XCTAssertEqual(answer.header("Content-Type"), "application/json")
        XCTAssertEqual(String(decoding: answer.body, as: UTF8.self), #"{"ok":true}"#)
    }

    func testPostBodiesArriveByteIdenticalUpToThreeMiB() async throws {
        let log = CapturedRequestLog()
        var limits = HTTPServerLimits()
        limits.maxBodyBytes = 4 << 20
        let server = try echoServer(limits: limits, log: log)
        defer { server.stop() }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("microhttp-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }

        for size in [1, 1024, 65_537, 3 << 20] {
            let body = patternBytes(size)
            let file = directory.appendingPathComponent("body-\(size)")
            try Data(body).write(to: file)
            let (echoed, status) = try await runCurl(["-H", "Content-Type: application/octet-stream",
                                                "--data-binary", "@\(file.path)", "http://127.0.0.1:\(server.port)/upload"])
            XCTAssertEqual(status, 0)
            XCTAssertEqual(log.all.last?.body.count, size)
            XCTAssertTrue(log.all.last?.body == body, "the handler got the body byte for byte (\(size) bytes)")
            XCTAssertTrue(Array(echoed) == body, "the client got the echoed body byte for byte (\(size) bytes)")
        }
        XCTAssertEqual(log.all.map(\.method), ["POST", "POST", "POST", "POST"])
    }

    func testChunkedBodyWithinTheLimitIsAssembled() throws {
        let log = CapturedRequestLog()
        let server = try echoServer(log: log)
        defer { server.stop() }
        let client = try RawHTTPClient(port: server.port)
        client.send("POST /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n")
        let answer = try client.readAnswer()
        XCTAssertEqual(answer.status, 200)
        XCTAssertEqual(String(decoding: answer.body, as: UTF8.self), "hello world")
    }

    func testKeepAliveServesManyRequestsOnOneConnection() throws {
        let log = CapturedRequestLog()
        let server = try echoServer(log: log)
        defer { server.stop() }
        let client = try RawHTTPClient(port: server.port)
        for i in 0..<20 {
            let body = "request \(i)"
            XCTAssertTrue(client.send("POST /k HTTP/1.1\r\nHost: x\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)"))
            let answer = try client.readAnswer()
            XCTAssertEqual(String(decoding: answer.body, as: UTF8.self), body)
        }
        XCTAssertEqual(log.all.count, 20)
    }

    func testBindsAnyAddressAndRefusesABadHostOrABusyPort() async throws {
        let any = try MicroHTTPServer(host: "0.0.0.0") { _ in .text(200, "any") }
        defer { any.stop() }
        let (output, status) = try await runCurl(["http://127.0.0.1:\(any.port)/"])
        XCTAssertEqual(status, 0)
        XCTAssertEqual(String(decoding: output, as: UTF8.self), "any")

        XCTAssertThrowsError(try MicroHTTPServer(host: "not a host") { _ in .text(200, "") }) { error in
            XCTAssertEqual((error as? MicroHTTPServerError)?.code, .invalidHost)
        }
        XCTAssertThrowsError(try MicroHTTPServer(host: "127.0.0.1", port: any.port) { _ in .text(200, "") }) { error in
            XCTAssertEqual((error as? MicroHTTPServerError)?.code, .startFailed)
        }
    }
}
