/// Percent-encoding for the two places CRM requests need it. Done by hand on
/// bytes because Foundation's allowed-character sets differ between platforms.
enum URLEncoding {
    /// RFC 3986 unreserved characters stay; everything else is %XX.
    private static func isUnreserved(_ c: UInt8) -> Bool {
        (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A)
            || c == 0x2D || c == 0x2E || c == 0x5F || c == 0x7E
    }

    private static let hex = Array("0123456789ABCDEF".utf8)

    /// One path segment (a record id or external id value): `/`, `?`, `#`
    /// and spaces in a value must not change the URL's structure.
    static func pathSegment(_ s: String) -> String {
        var out: [UInt8] = []
        for c in s.utf8 {
            if isUnreserved(c) { out.append(c) } else { out += [0x25, hex[Int(c >> 4)], hex[Int(c & 0xF)]] }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// `application/x-www-form-urlencoded` (the OAuth token request body), with
    /// spaces as `%20`, which every decoder accepts.
    static func form(_ pairs: [(String, String)]) -> [UInt8] {
        var out: [UInt8] = []
        for (i, (k, v)) in pairs.enumerated() {
            if i > 0 { out.append(UInt8(ascii: "&")) }
            out += Array(pathSegment(k).utf8)
            out.append(UInt8(ascii: "="))
            out += Array(pathSegment(v).utf8)
        }
        return out
    }
}
