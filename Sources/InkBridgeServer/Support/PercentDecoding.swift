/// Decodes `%XX` escapes of a path segment (RFC 3986). libmicrohttpd hands the
/// path over raw, so ids with reserved characters (`evt%2F1`) reach the route
/// as sent; decoding per segment keeps an encoded `/` inside its segment.
enum PercentDecoding {
    /// nil for a malformed escape or bytes that are not UTF-8.
    static func decode(_ segment: Substring) -> String? {
        guard segment.utf8.contains(UInt8(ascii: "%")) else { return String(segment) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(segment.utf8.count)
        var it = segment.utf8.makeIterator()
        while let c = it.next() {
            guard c == UInt8(ascii: "%") else { bytes.append(c); continue }
            guard let hi = it.next().flatMap(hexValue), let lo = it.next().flatMap(hexValue) else { return nil }
            bytes.append(hi << 4 | lo)
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
