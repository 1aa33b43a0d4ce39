import Foundation
import InkBridgeCore
import XCTest

/// The private-address guard as a pure function: every refused range at its
/// edges, the public addresses just outside them, and the IPv6 forms that
/// smuggle an IPv4 address.
final class AddressGuardTests: XCTestCase {
    private func reason(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> AddressGuard.Reason? {
        guard let address = IPAddress(text) else {
            XCTFail("not an address: \(text)", file: file, line: line)
            return nil
        }
        return AddressGuard.reason(address)
    }

    private func assertBlocked(_ reasonExpected: AddressGuard.Reason, _ addresses: [String], file: StaticString = #filePath, line: UInt = #line) {
        for text in addresses {
            XCTAssertEqual(reason(text, file: file, line: line), reasonExpected, text, file: file, line: line)
            XCTAssertTrue(AddressGuard.isBlocked(IPAddress(text)!), text, file: file, line: line)
        }
    }

    func testIPv4RefusedRangesAtTheirEdges() {
        assertBlocked(.unspecified, ["0.0.0.0", "0.255.255.255"])
        assertBlocked(.privateNetwork, ["10.0.0.0", "10.255.255.255", "172.16.0.0", "172.31.255.255", "192.168.0.0", "192.168.255.255"])
        assertBlocked(.sharedAddressSpace, ["100.64.0.0", "100.127.255.255", "100.100.100.200"])
        assertBlocked(.loopback, ["127.0.0.1", "127.0.0.0", "127.255.255.255", "127.1.2.3"])
        assertBlocked(.linkLocal, ["169.254.0.0", "169.254.255.255", "169.254.169.253"])
        assertBlocked(.cloudMetadata, ["169.254.169.254"])
        assertBlocked(.multicast, ["224.0.0.0", "239.255.255.255"])
        assertBlocked(.reserved, ["240.0.0.0", "255.255.255.255", "192.0.0.8", "198.18.0.1", "198.19.255.255"])
    }

    func testIPv4PublicNeighboursOfRefusedRangesPass() {
        let allowed = ["1.0.0.0", "9.255.255.255", "11.0.0.0", "100.63.255.255", "100.128.0.0", "126.255.255.255",
                       "128.0.0.0", "169.253.255.255", "169.255.0.0", "172.15.255.255", "172.32.0.0", "192.167.255.255",
                       "192.169.0.0", "198.17.255.255", "198.20.0.0", "223.255.255.255", "8.8.8.8", "93.184.216.34"]
        for text in allowed {
            XCTAssertNil(reason(text), text)
            XCTAssertFalse(AddressGuard.isBlocked(IPAddress(text)!), text)
        }
    }

    func testIPv6RefusedRanges() {
        assertBlocked(.unspecified, ["::"])
        assertBlocked(.loopback, ["::1"])
        assertBlocked(.privateNetwork, ["fc00::", "fd12:3456:789a::1", "fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "fec0::1", "64:ff9b:1::a00:1"])
        assertBlocked(.cloudMetadata, ["fd00:ec2::254"])
        assertBlocked(.linkLocal, ["fe80::", "fe80::1", "febf:ffff::1"])
        assertBlocked(.multicast, ["ff02::1", "ff0e::1"])
        assertBlocked(.reserved, ["100::1", "2001::1", "2001:db8::1", "::2:0:0:1", "4000::1", "1::1"])
    }

    func testIPv6FormsCarryingIPv4AreJudgedByTheIPv4Address() {
        // IPv4-mapped
        assertBlocked(.loopback, ["::ffff:127.0.0.1", "::ffff:7f00:1"])
        assertBlocked(.cloudMetadata, ["::ffff:169.254.169.254"])
        assertBlocked(.privateNetwork, ["::ffff:10.1.2.3", "::ffff:192.168.1.1"])
        // NAT64 well-known prefix
        assertBlocked(.cloudMetadata, ["64:ff9b::169.254.169.254", "64:ff9b::a9fe:a9fe"])
        assertBlocked(.loopback, ["64:ff9b::127.0.0.1"])
        // 6to4 with a private IPv4 inside
        assertBlocked(.privateNetwork, ["2002:c0a8:0101::1"])
        assertBlocked(.loopback, ["2002:7f00:1::"])
        // Deprecated IPv4-compatible: refused whatever the IPv4 part
        assertBlocked(.loopback, ["::127.0.0.1"])
        assertBlocked(.reserved, ["::8.8.8.8"])
        // Public IPv4 through the public translations passes.
        XCTAssertNil(reason("::ffff:8.8.8.8"))
        XCTAssertNil(reason("64:ff9b::8.8.8.8"))
        XCTAssertNil(reason("2002:0808:0808::1"))
    }

    func testIPv6GlobalUnicastPasses() {
        for text in ["2606:4700:4700::1111", "2a00:1450:4001:80b::200e", "2001:4860:4860::8888", "3fff:ffff::1"] {
            XCTAssertNil(reason(text), text)
        }
    }

    func testParsingIsNumericNotTextual() {
        XCTAssertNil(IPAddress("localhost"))
        XCTAssertNil(IPAddress("127.0.0.1.example.com"))
        XCTAssertNil(IPAddress("256.0.0.1"))
        XCTAssertEqual(IPAddress("127.0.0.1"), .v4(0x7F00_0001))
        XCTAssertEqual(IPAddress("::ffff:127.0.0.1"), IPAddress("::ffff:7f00:1"))
        XCTAssertEqual(IPAddress("fd00:ec2:0:0:0:0:0:254"), IPAddress("fd00:ec2::254"))
        XCTAssertEqual(IPAddress("10.1.2.3")?.description, "10.1.2.3")
        XCTAssertEqual(IPAddress("FD00:EC2:0::254")?.description, "fd00:ec2::254")
    }

    func testReadsAddressesFromSockaddr() {
        var v4 = sockaddr_in()
        v4.sin_family = sa_family_t(AF_INET)
        v4.sin_port = UInt16(8080).bigEndian
        inet_pton(AF_INET, "169.254.169.254", &v4.sin_addr)
        let parsed4 = withUnsafeBytes(of: &v4) { IPAddress(sockaddr: $0) }
        XCTAssertEqual(parsed4, IPAddress("169.254.169.254"))
        XCTAssertEqual(parsed4.flatMap(AddressGuard.reason), .cloudMetadata)

        var v6 = sockaddr_in6()
        v6.sin6_family = sa_family_t(AF_INET6)
        inet_pton(AF_INET6, "::ffff:192.168.0.10", &v6.sin6_addr)
        let parsed6 = withUnsafeBytes(of: &v6) { IPAddress(sockaddr: $0) }
        XCTAssertEqual(parsed6, IPAddress("::ffff:192.168.0.10"))
        XCTAssertEqual(parsed6.flatMap(AddressGuard.reason), .privateNetwork)

        // Too short for its family, or another family: unreadable (the transport refuses those).
        XCTAssertNil(withUnsafeBytes(of: &v6) { IPAddress(sockaddr: UnsafeRawBufferPointer(rebasing: $0[0..<8])) })
        var unix = sockaddr_un()
        unix.sun_family = sa_family_t(AF_UNIX)
        XCTAssertNil(withUnsafeBytes(of: &unix) { IPAddress(sockaddr: $0) })
    }
}
