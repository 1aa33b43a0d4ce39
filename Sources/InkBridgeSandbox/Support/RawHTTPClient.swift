import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A blocking TCP client for tests that must send what a normal HTTP client will not:
/// malformed, oversized or deliberately slow requests, a body that stops half-way. It reads
/// just enough of an answer (status line, headers, Content-Length body) to assert on it.
public final class RawHTTPClient {
    public struct Answer: Sendable {
        public var status: Int
        public var headers: [(String, String)]
        public var body: [UInt8]
        public func header(_ name: String) -> String? { headers.first { $0.0.lowercased() == name.lowercased() }?.1 }
    }

    public enum Failure: Error { case connect, closed, timeout }

    private let fd: Int32
    /// Received but not yet handed out by `readAnswer`.
    private var buffered: [UInt8] = []

    /// Connects to 127.0.0.1:`port`; every read gives up after `readTimeout` seconds.
    public init(port: UInt16, readTimeout: Int = 10) throws {
        guard let fd = LoopbackPort.connectedSocket(port) else { throw Failure.connect }
        self.fd = fd
        var timeout = timeval(tv_sec: readTimeout, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
    }

    deinit { close(fd) }

    /// Sends all of `bytes`; false if the server closed the connection meanwhile.
    @discardableResult
    public func send(_ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return false }
            offset += n
        }
        return true
    }

    @discardableResult
    public func send(_ text: String) -> Bool { send(Array(text.utf8)) }

    /// Reads one answer (status, headers, Content-Length body).
    public func readAnswer() throws -> Answer {
        let headEnd = try fill(until: { buf in Self.find([13, 10, 13, 10], in: buf) })
        let head = String(decoding: buffered[..<headEnd], as: UTF8.self)
        buffered.removeFirst(headEnd + 4)
        var lines = head.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst().split(separator: " ")
        guard statusLine.count >= 2, let status = Int(statusLine[1]) else { throw Failure.closed }
        let headers = lines.compactMap { line -> (String, String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        let length = headers.first { $0.0.lowercased() == "content-length" }.flatMap { Int($0.1) } ?? 0
        _ = try fill(until: { $0.count >= length ? length : nil })
        let body = Array(buffered[..<length])
        buffered.removeFirst(length)
        return Answer(status: status, headers: headers, body: body)
    }

    /// Reads until the server closes the connection (EOF or reset: `closed` true) or the read
    /// timeout passes (false). Whatever the server said and was not read yet comes back too.
    public func readUntilClosed() -> (closed: Bool, received: String) {
        var scratch = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = scratch.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n > 0 { buffered += scratch[..<n]; continue }
            let closed = n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)
            let received = String(decoding: buffered, as: UTF8.self)
            buffered = []
            return (closed, received)
        }
    }

    /// True when the server closes the connection (EOF or reset) before the read timeout.
    public func waitForClose() -> Bool { readUntilClosed().closed }

    private func fill(until done: ([UInt8]) -> Int?) throws -> Int {
        var scratch = [UInt8](repeating: 0, count: 65536)
        while true {
            if let found = done(buffered) { return found }
            let n = scratch.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n == 0 { throw Failure.closed }
            if n < 0 { throw (errno == EAGAIN || errno == EWOULDBLOCK) ? Failure.timeout : Failure.closed }
            buffered.append(contentsOf: scratch[..<n])
        }
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for i in 0...(haystack.count - needle.count) where haystack[i] == needle[0] {
            if Array(haystack[i..<(i + needle.count)]) == needle { return i }
        }
        return nil
    }
}
