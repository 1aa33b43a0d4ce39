import Foundation

/// An IPv4 or IPv6 address as numbers, so range checks are plain integer
/// comparisons (no string matching: `0x7f.1`, `::ffff:127.0.0.1` and
/// `127.000.000.001` are all the same address once parsed).
public enum IPAddress: Hashable, Sendable, CustomStringConvertible {
    /// The 32 bits in host order: `127.0.0.1` is `0x7f00_0001`.
    case v4(UInt32)
    /// The 128 bits in host order, high and low halves.
    case v6(high: UInt64, low: UInt64)

    /// Parses the textual forms `inet_pton` accepts (dotted quad, RFC 4291 IPv6).
    public init?(_ text: String) {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            self = .v4(UInt32(bigEndian: v4.s_addr))
            return
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 {
            self = withUnsafeBytes(of: &v6) { IPAddress(ipv6Bytes: $0) }
            return
        }
        return nil
    }

    /// Reads a `sockaddr_in` or `sockaddr_in6` (what libcurl hands to its
    /// open-socket callback). Nil for other families or a short buffer.
    public init?(sockaddr bytes: UnsafeRawBufferPointer) {
        guard bytes.count >= MemoryLayout<sa_family_t>.size else { return nil }
        // sa_family sits at the same offset in every sockaddr_* on Linux.
        let family = Int32(bytes.loadUnaligned(fromByteOffset: MemoryLayout<sockaddr>.offset(of: \.sa_family)!,
                                               as: sa_family_t.self))
        switch family {
        case AF_INET:
            guard bytes.count >= MemoryLayout<sockaddr_in>.size else { return nil }
            let offset = MemoryLayout<sockaddr_in>.offset(of: \.sin_addr)!
            let raw = bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self)
            self = .v4(UInt32(bigEndian: raw))
        case AF_INET6:
            guard bytes.count >= MemoryLayout<sockaddr_in6>.size else { return nil }
            let offset = MemoryLayout<sockaddr_in6>.offset(of: \.sin6_addr)!
            self = IPAddress(ipv6Bytes: UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + 16]))
        default:
            return nil
        }
    }

    /// Sixteen bytes in network order.
    public init(ipv6Bytes bytes: UnsafeRawBufferPointer) {
        precondition(bytes.count == 16, "an IPv6 address has 16 bytes")
        var high: UInt64 = 0
        var low: UInt64 = 0
        for i in 0..<8 { high = high << 8 | UInt64(bytes[i]) }
        for i in 8..<16 { low = low << 8 | UInt64(bytes[i]) }
        self = .v6(high: high, low: low)
    }

    /// Dotted quad or the canonical RFC 5952 form (from `inet_ntop`).
    public var description: String {
        switch self {
        case .v4(let value):
            return "\(value >> 24).\(value >> 16 & 0xff).\(value >> 8 & 0xff).\(value & 0xff)"
        case .v6(let high, let low):
            var raw = in6_addr()
            withUnsafeMutableBytes(of: &raw) { out in
                for i in 0..<8 { out[i] = UInt8(truncatingIfNeeded: high >> UInt64(56 - 8 * i)) }
                for i in 0..<8 { out[8 + i] = UInt8(truncatingIfNeeded: low >> UInt64(56 - 8 * i)) }
            }
            var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
            guard inet_ntop(AF_INET6, &raw, &text, socklen_t(text.count)) != nil else { return "?" }
            return String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
    }
}
