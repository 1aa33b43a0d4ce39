/// Percent-encoding as SigV4 defines it: every byte except `A-Z a-z 0-9 - . _ ~`
/// becomes `%XY` (upper-case hex); `/` is kept in S3 object key paths.
enum AWSURIEncoding {
    static func encode(_ text: String, keepSlash: Bool) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var out = [UInt8]()
        out.reserveCapacity(text.utf8.count)
        for b in text.utf8 {
            let unreserved = (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || (b >= 0x30 && b <= 0x39)
                || b == 0x2D || b == 0x2E || b == 0x5F || b == 0x7E
            if unreserved || (keepSlash && b == 0x2F) {
                out.append(b)
            } else {
                out.append(0x25)
                out.append(hex[Int(b >> 4)])
                out.append(hex[Int(b & 0xF)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The query string as sent: the same encoding as the canonical query, in the given order.
    static func queryString(_ query: [(name: String, value: String)]) -> String {
        query.map { pair in
            let name = encode(pair.name, keepSlash: false)
            return pair.value.isEmpty ? name : "\(name)=\(encode(pair.value, keepSlash: false))"
        }.joined(separator: "&")
    }
}
