import CCurl
@testable import InkBridgeCore
import XCTest

/// The loop's lazy epoll registration (`CurlSockets`), on real descriptors:
/// a socket pair stands in for a connection, and writing to its other end
/// makes it readable. The kernel gives a new descriptor the lowest free
/// number, so closing one and opening another reuses the number, which is
/// where a stale registration would lose a socket's events.
final class CurlSocketsTests: XCTestCase {
    private var toClose: [Int32] = []

    override func tearDown() {
        for fd in toClose { close(fd) }
        toClose = []
        super.tearDown()
    }

    /// A connected pair: (the socket curl would use, its peer). The peer is closed by tearDown.
    private func pair() -> (Int32, Int32) {
        var fds: [Int32] = [0, 0]
        XCTAssertEqual(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &fds), 0)
        toClose.append(fds[1])
        return (fds[0], fds[1])
    }

    private func makeReadable(_ peer: Int32) {
        var byte: UInt8 = 1
        XCTAssertEqual(write(peer, &byte, 1), 1)
    }

    /// The descriptors epoll reports ready right now.
    private func ready(_ sockets: CurlSockets) -> Set<Int32> {
        var events = [epoll_event](repeating: epoll_event(), count: 16)
        let n = events.withUnsafeMutableBufferPointer { epoll_wait(sockets.epoll, $0.baseAddress, 16, 0) }
        return Set(events.prefix(max(0, Int(n))).map(\.data.fd))
    }

    func testKeptSocketStaysRegisteredAcrossRequestsAndIsDroppedWhenItTurnsReadyIdle() {
        let sockets = CurlSockets()
        let (fd, peer) = pair()
        defer { sockets.closing(fd) }
        sockets.opened(fd)
        sockets.want(fd, CURL_POLL_IN)
        sockets.want(fd, CURL_POLL_REMOVE)  // the request ended; the connection is cached
        sockets.want(fd, CURL_POLL_IN)      // the next request on it: still registered
        makeReadable(peer)
        XCTAssertEqual(ready(sockets), [fd])
        XCTAssertTrue(sockets.shouldDeliver(fd), "curl wants it: its event goes to curl")

        sockets.want(fd, CURL_POLL_REMOVE)
        XCTAssertEqual(ready(sockets), [fd], "kept registered while idle")
        XCTAssertFalse(sockets.shouldDeliver(fd), "idle: not for curl")
        XCTAssertEqual(sockets.dropped, 1)
        XCTAssertEqual(ready(sockets), [], "dropped from the set: the next round does not wake for it")
    }

    func testClosedSocketsNumberReusedByAnUntrackedDescriptorGetsItsEvents() throws {
        let sockets = CurlSockets()
        let (fd, _) = pair()
        sockets.opened(fd)
        sockets.want(fd, CURL_POLL_IN)
        sockets.want(fd, CURL_POLL_REMOVE)
        sockets.closing(fd)  // curl closes the cached connection

        // The resolver's socket pair (not opened through curl's callback) gets the number.
        let (reused, peer) = pair()
        defer { close(reused) }
        // The kernel reuses the lowest free number, unless another thread of the test process took it meanwhile.
        try XCTSkipIf(reused != fd, "descriptor \(fd) was taken by another thread; nothing to test")
        sockets.want(reused, CURL_POLL_IN)
        makeReadable(peer)
        XCTAssertEqual(ready(sockets), [reused], "the new descriptor is in the set")
        sockets.want(reused, CURL_POLL_REMOVE)
        XCTAssertEqual(ready(sockets), [], "an untracked descriptor leaves the set as soon as curl lets go of it")
    }

    func testNumberOfAnUntrackedDescriptorReusedByANewConnectionGetsItsEvents() throws {
        let sockets = CurlSockets()
        let (resolver, _) = pair()
        sockets.want(resolver, CURL_POLL_IN)
        close(resolver)  // closed without curl saying so first
        sockets.want(resolver, CURL_POLL_REMOVE)

        let (fd, peer) = pair()
        defer { sockets.closing(fd) }
        try XCTSkipIf(fd != resolver, "descriptor \(resolver) was taken by another thread; nothing to test")
        sockets.opened(fd)
        sockets.want(fd, CURL_POLL_IN)
        makeReadable(peer)
        XCTAssertEqual(ready(sockets), [fd])
    }
}
