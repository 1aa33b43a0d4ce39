/// Which addresses a tenant-controlled URL must never reach (SPEC section 7):
/// anything that is not a public unicast address on the internet. The check
/// runs on the address a connection is actually opened to, after DNS, so a
/// host name that resolves to `127.0.0.1` is caught like the literal.
///
/// A pure function of the address; `CurlTransport` calls it from its
/// open-socket and pre-request callbacks.
public enum AddressGuard {
    /// Why an address is refused; the raw value goes into error messages.
    public enum Reason: String, Sendable {
        case loopback
        case unspecified
        case privateNetwork = "private network"
        case sharedAddressSpace = "carrier-grade NAT"
        case linkLocal = "link-local"
        case multicast
        case reserved
        case cloudMetadata = "cloud metadata"
    }

    public static func isBlocked(_ address: IPAddress) -> Bool {
        reason(address) != nil
    }

    /// Nil when the address is a public unicast address.
    public static func reason(_ address: IPAddress) -> Reason? {
        switch address {
        case .v4(let value): return reason(ipv4: value)
        case .v6(let high, let low): return reason(ipv6High: high, low: low)
        }
    }

    /// One IPv4 range: `value & mask == prefix`.
    private struct Range4 {
        let prefix: UInt32
        let bits: UInt32
        let reason: Reason

        func contains(_ value: UInt32) -> Bool {
            let mask: UInt32 = bits == 0 ? 0 : ~0 << (32 - bits)
            return value & mask == prefix
        }
    }

    /// Most specific first: the metadata address lies inside link-local.
    private static let ipv4Ranges: [Range4] = [
        Range4(prefix: 0xA9FE_A9FE, bits: 32, reason: .cloudMetadata),      // 169.254.169.254 (AWS, GCP, Azure, OCI)
        Range4(prefix: 0x0000_0000, bits: 8, reason: .unspecified),         // 0.0.0.0/8 "this network"
        Range4(prefix: 0x0A00_0000, bits: 8, reason: .privateNetwork),      // 10/8
        Range4(prefix: 0x6440_0000, bits: 10, reason: .sharedAddressSpace), // 100.64/10 (also Alibaba metadata)
        Range4(prefix: 0x7F00_0000, bits: 8, reason: .loopback),            // 127/8
        Range4(prefix: 0xA9FE_0000, bits: 16, reason: .linkLocal),          // 169.254/16
        Range4(prefix: 0xAC10_0000, bits: 12, reason: .privateNetwork),     // 172.16/12
        Range4(prefix: 0xC000_0000, bits: 24, reason: .reserved),           // 192.0.0/24 IETF protocol assignments
        Range4(prefix: 0xC0A8_0000, bits: 16, reason: .privateNetwork),     // 192.168/16
        Range4(prefix: 0xC612_0000, bits: 15, reason: .reserved),           // 198.18/15 benchmarking
        Range4(prefix: 0xE000_0000, bits: 4, reason: .multicast),           // 224/4
        Range4(prefix: 0xF000_0000, bits: 4, reason: .reserved),            // 240/4 and broadcast
    ]

    private static func reason(ipv4 value: UInt32) -> Reason? {
        ipv4Ranges.first { $0.contains(value) }?.reason
    }

    private static func reason(ipv6High high: UInt64, low: UInt64) -> Reason? {
        let embeddedV4 = UInt32(truncatingIfNeeded: low)
        // Forms that carry an IPv4 address: judge the IPv4 address, so
        // ::ffff:127.0.0.1 or 64:ff9b::a9fe:a9fe is refused like the original.
        if high == 0 {
            if low == 0 { return .unspecified }                              // ::
            if low == 1 { return .loopback }                                 // ::1
            if low >> 32 == 0xFFFF { return reason(ipv4: embeddedV4) }       // ::ffff:0:0/96 IPv4-mapped
            if low >> 32 == 0 { return reason(ipv4: embeddedV4) ?? .reserved } // ::/96 IPv4-compatible (deprecated)
            return .reserved                                                 // rest of ::/64
        }
        if high == 0x0064_FF9B_0000_0000 && low >> 32 == 0 {                // 64:ff9b::/96 NAT64
            return reason(ipv4: embeddedV4)
        }
        if high >> 16 == 0x0064_FF9B_0001 { return .privateNetwork }         // 64:ff9b:1::/48 local-use NAT64
        if high >> 48 == 0x2002 {                                            // 2002::/16 6to4: IPv4 in bits 16-47
            return reason(ipv4: UInt32(truncatingIfNeeded: high >> 16))
        }
        if high == 0x0100_0000_0000_0000 { return .reserved }               // 100::/64 discard-only
        if high >> 32 == 0x2001_0000 { return .reserved }                    // 2001::/32 Teredo (tunnels to hidden IPv4)
        if high >> 32 == 0x2001_0DB8 { return .reserved }                    // 2001:db8::/32 documentation
        if high == 0xFD00_0EC2_0000_0000 && low == 0x254 { return .cloudMetadata } // fd00:ec2::254 (AWS IMDS over IPv6)
        if high >> 57 == 0x7E { return .privateNetwork }                     // fc00::/7 unique local
        if high >> 54 == 0x3FA { return .linkLocal }                         // fe80::/10
        if high >> 54 == 0x3FB { return .privateNetwork }                    // fec0::/10 site-local (deprecated)
        if high >> 56 == 0xFF { return .multicast }                          // ff00::/8
        if high >> 61 != 0b001 { return .reserved }                          // outside 2000::/3 global unicast
        return nil
    }
}
