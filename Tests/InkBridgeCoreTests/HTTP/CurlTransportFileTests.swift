@testable import InkBridgeCore
import Foundation
import InkBridgeSandbox
import MicroHTTP
import XCTest

/// Streaming bodies: downloads into a file, uploads from a file or a byte
/// range of it, checked byte for byte at the other end.
final class CurlTransportFileTests: XCTestCase {
    private var transport: CurlTransport!
    private var paths: [String] = []

    override func setUp() {
        transport = CurlTransport()
    }

    override func tearDown() {
        transport.shutdown()
        for path in paths { unlink(path) }
    }

    private func path(_ name: String) -> String {
        let path = temporaryPath(name)
        paths.append(path)
        return path
    }

    private func file(_ name: String, _ bytes: [UInt8]) -> String {
        let path = path(name)
        XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data(bytes)))
        return path
    }

    private func contents(_ path: String) -> [UInt8]? {
        FileManager.default.contents(atPath: path).map { [UInt8]($0) }
    }

    func testDownloadStreamsIntoTheFile() async throws {
        let payload = patternBytes(3 << 20, seed: 11)
        let server = try RecordingServer { _ in HTTPServerResponse(status: 200, headers: [("ETag", "\"v1\"")], body: payload) }
        defer { server.stop() }
        let target = path("download.bin")
        var request = HTTPRequest(method: "GET", url: server.baseURL + "/archive", maxResponseBytes: 4 << 20, allowPrivate: true)
        request.responseBodyFile = target

        let response = try await transport.send(request)
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(response.body, [], "the body went to the file, not to memory")
        XCTAssertEqual(response.header("ETag"), "\"v1\"")
        XCTAssertEqual(contents(target), payload)
    }

    func testDownloadOverTheCapFailsAndLeavesNoPartialFile() async throws {
        let payload = patternBytes(1 << 20, seed: 12)
        let server = try RecordingServer { _ in HTTPServerResponse(status: 200, body: payload) }
        defer { server.stop() }
        let target = file("too-big.bin", Array("old".utf8))
        var request = HTTPRequest(method: "GET", url: server.baseURL + "/big", maxResponseBytes: 1000, allowPrivate: true)
        request.responseBodyFile = target
        do {
            _ = try await transport.send(request)
            XCTFail("a body over the cap was accepted")
        } catch {
            XCTAssertEqual(error.kind, .responseTooLarge)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: target), "no truncated download is left behind")
    }

    func testUploadSendsExactlyTheRangeOfTheFile() async throws {
        let server = try RecordingServer.echo()
        defer { server.stop() }
        let fileBytes = patternBytes(1 << 20, seed: 13)
        let source = file("upload.bin", fileBytes)

        var request = HTTPRequest(method: "PUT", url: server.baseURL + "/parts/2", headers: [("Content-Type", "application/zip")], allowPrivate: true)
        request.bodyFile = source
        request.bodyFileRange = 1000..<700_000
        let response = try await transport.send(request)

        XCTAssertEqual(response.status, 200)
        let seen = try XCTUnwrap(server.requests.first)
        XCTAssertEqual(seen.method, "PUT")
        XCTAssertEqual(seen.header("Content-Length"), "699000")
        XCTAssertEqual(seen.header("Content-Type"), "application/zip")
        XCTAssertNil(seen.header("Expect"))
        XCTAssertNil(seen.header("Transfer-Encoding"))
        XCTAssertEqual(seen.body, Array(fileBytes[1000..<700_000]))
    }

    func testUploadWholeFileWithAnyMethod() async throws {
        let server = try RecordingServer.echo()
        defer { server.stop() }
        let fileBytes = patternBytes(300_000, seed: 14)
        let source = file("whole.bin", fileBytes)
        for method in ["POST", "PATCH"] {
            var request = HTTPRequest(method: method, url: server.baseURL + "/u", allowPrivate: true)
            request.bodyFile = source
            let response = try await transport.send(request)
            XCTAssertEqual(response.body, fileBytes, method)
            let seen = try XCTUnwrap(server.requests.last)
            XCTAssertEqual(seen.method, method)
            XCTAssertEqual(seen.body, fileBytes, method)
            XCTAssertNil(seen.header("Content-Type"), "\(method): no form Content-Type invented")
        }
    }

    func testUploadProblemsAreIOErrorsAndNothingIsSent() async throws {
        let server = try RecordingServer.echo()
        defer { server.stop() }
        let source = file("small.bin", patternBytes(100))

        var outside = HTTPRequest(method: "PUT", url: server.baseURL + "/x", allowPrivate: true)
        outside.bodyFile = source
        outside.bodyFileRange = 50..<101
        var missing = outside
        missing.bodyFile = path("does-not-exist")
        missing.bodyFileRange = nil
        var unwritable = HTTPRequest(method: "GET", url: server.baseURL + "/x", allowPrivate: true)
        unwritable.responseBodyFile = "/nonexistent-dir/out.bin"

        for request in [outside, missing, unwritable] {
            do {
                _ = try await transport.send(request)
                XCTFail("sent despite a file problem")
            } catch {
                XCTAssertEqual(error.kind, .io, error.description)
            }
        }
        XCTAssertEqual(server.requestCount, 0)
    }
}
